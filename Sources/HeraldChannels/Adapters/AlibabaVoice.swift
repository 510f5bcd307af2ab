/// What Alibaba Cloud's two voice adapters (`alibaba-ivr`, `alibaba-tts`)
/// share: the dyvmsapi outcome table.
enum AlibabaVoice {
    /// Alibaba voice codes (https://help.aliyun.com/document_detail/178344.html).
    /// Per-callee limits: 1 call a minute, 5 an hour, 20 in 24 hours, failed
    /// calls included; exceeding them answers `isv.BUSINESS_LIMIT_CONTROL`.
    static func table(gateway: String, action: String) -> OutcomeTable {
        OutcomeTable(
            gateway: gateway,
            duplicateRisk: "\(action) is not idempotent: a retry may call the resident twice",
            rows: AlibabaRPC.commonRows + [
                .init("isv.BUSINESS_LIMIT_CONTROL", .rateLimited,
                      "per-callee call limit (1/min, 5/h, 20/24h, failed calls count)", delay: .seconds(60)),
                .init("isv.VOICE_CALL_FAIL", .retry, "the call could not be placed"),
                .init("isp.GATEWAY_ERROR", .retry, "Alibaba gateway error"),
                .init("isv.TTS_TEMPLATE_ILLEGAL", .permanent,
                      "the TTS template is unknown or not approved (template bug)"),
                .init("isv.TEMPLATE_ILLEGAL", .permanent, "the voice template is unknown or not approved (template bug)"),
                .init("isv.TEMPLATE_PARAMS_ILLEGAL", .permanent, "a template parameter is not allowed; fix the message"),
                .init("isv.VOICE_FILE_ILLEGAL", .permanent, "the voice file is unknown or not approved (template bug)"),
                .init("isv.COMPLAINT_REJECT", .permanent,
                      "blocked by anti-harassment control after complaints about calls to this number"),
                .init("isv.DISPLAY_NUMBER_ILLEGAL", .gatewayFailure,
                      "the caller number is not valid; fix gateway.settings.calledShowNumber"),
                .init("isv.BILLID_NOT_EXIST", .gatewayFailure,
                      "the caller number does not belong to this account; fix gateway.settings.calledShowNumber"),
                // Spelled this way in dyvmsapi's error list, unlike SMS's isv.AMOUNT_NOT_ENOUGH.
                .init("isv.AMOUNT_NOT_ENOUG", .gatewayFailure, "the account balance is too low; top up"),
            ])
    }
}
