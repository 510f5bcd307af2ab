import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP

/// WeChat's `GET /cgi-bin/token` and mini-program subscribe messages,
/// `POST /cgi-bin/message/subscribe/send?access_token=`, answering HTTP 200
/// with `{"errcode","errmsg"}` as WeChat does.
///
/// Token: `{"access_token","expires_in"}`, or 40002 invalid grant_type,
/// 40013 invalid appid, 40125 invalid appsecret, -1 system error.
///
/// Send: `{"errcode":0,"errmsg":"ok","msgid":N}`, or 41001 (no token),
/// 40001 (unknown token, or one `expireAccessTokens()` invalidated: "not
/// latest"), 42001 (a token past `expires_in` by the simulator's clock),
/// 47001 (body not JSON / `data` not `{"key":{"value":"…"}}`), 40003
/// (`touser` empty or not starting with `o`), 40037 (no `template_id`),
/// 47003 (a `thing*` value over 20 characters, `phrase*` over 5,
/// `character_string*`, `number*` or `letter*` over 32), 43101 (the resident
/// has no subscription: `unsubscribedOpenIDs` or `noSubscriptionRate`),
/// -1 (not accepted).
///
/// A `page` carrying `delivery=ID` (or `delivery_id=ID`) in its query
/// tells the simulator which delivery the push was; a resident who signs up
/// (`signupRate`) is reported on the `webhook.signup` route with the last
/// delivery pushed to that openid.
enum WeChatAPI {
    /// Character limits of subscribe-message field types, by key prefix.
    static let fieldLimits: [(prefix: String, limit: Int)] = [
        ("thing", 20), ("phrase", 5), ("character_string", 32), ("number", 32), ("letter", 32),
    ]

    static func token(_ exchange: inout GatewayExchange, _ state: inout SimulatorState) -> GatewayReply {
        let request = exchange.request
        let credentials = exchange.credentials
        let accepted = exchange.random.chance(exchange.behaviour.acceptanceRate)
        let token = exchange.random.token(110)
        guard request.queryValue("grant_type") == "client_credential" else {
            return error(40002, "invalid grant_type", action: "token")
        }
        guard request.queryValue("appid") == credentials.wechatAppID else {
            return error(40013, "invalid appid", action: "token")
        }
        guard request.queryValue("secret") == credentials.wechatAppSecret else {
            return error(40125, "invalid appsecret", action: "token")
        }
        guard accepted else { return error(-1, "system error", action: "token") }
        let lifetime = exchange.behaviour.accessTokenLifetimeSeconds
        state.accessTokens = state.accessTokens.filter { $0.value.expiresAt > exchange.unixNow - lifetime }
        state.accessTokens[token] = SimulatorState.AccessToken(expiresAt: exchange.unixNow + lifetime)
        return GatewayReply(.json(200, .fields(["access_token": .string(token), "expires_in": .int(lifetime)])),
                            action: "token", outcome: .accepted)
    }

    static func subscribeSend(_ exchange: inout GatewayExchange, _ state: inout SimulatorState) -> GatewayReply {
        let request = exchange.request
        let behaviour = exchange.behaviour
        let unsubscribedDraw = exchange.random.chance(behaviour.noSubscriptionRate)
        let accepted = exchange.random.chance(behaviour.acceptanceRate)
        let signsUp = exchange.random.chance(behaviour.signupRate)
        let msgID = exchange.random.digits(18)
        let delay = exchange.callbackDelay()
        let action = "subscribe.send"

        guard let token = request.queryValue("access_token"), !token.isEmpty else {
            return error(41001, "access_token missing", action: action)
        }
        guard let issued = state.accessTokens[token], !issued.invalidated else {
            return error(40001, "invalid credential, access_token is invalid or not latest", action: action)
        }
        guard issued.expiresAt > exchange.unixNow else {
            return error(42001, "access_token expired", action: action)
        }
        guard let body = request.json, body.members != nil else {
            return error(47001, "data format error", action: action)
        }
        let openID = body["touser"]?.stringValue ?? ""
        let deliveryID = body["page"]?.stringValue.flatMap(deliveryID(inPage:))
        func fail(_ code: Int, _ message: String) -> GatewayReply {
            var reply = error(code, message, action: action)
            reply.recipients = openID.isEmpty ? [] : [openID]
            reply.deliveryID = deliveryID
            return reply
        }
        guard openID.hasPrefix("o") else { return fail(40003, "invalid openid") }
        guard let templateID = body["template_id"]?.stringValue, !templateID.isEmpty else {
            return fail(40037, "invalid template_id")
        }
        guard let data = body["data"]?.members else { return fail(47001, "data format error") }
        for field in data {
            guard let value = field.value["value"]?.text else { return fail(47001, "data format error") }
            let kind = String(field.name.prefix { !$0.isNumber })
            if let limit = fieldLimits.first(where: { $0.prefix == kind })?.limit, value.count > limit {
                return fail(47003, "argument invalid! data.\(field.name).value exceeds \(limit) characters")
            }
        }
        guard !behaviour.unsubscribedOpenIDs.contains(openID), !unsubscribedDraw else {
            return fail(43101, "user refuse to accept the msg")
        }
        guard accepted else { return fail(-1, "system error") }

        var reply = GatewayReply(.json(200, .fields(["errcode": .int(0), "errmsg": .string("ok"),
                                                     "msgid": .number(msgID)])),
                                 action: action, outcome: .accepted)
        reply.recipients = [openID]
        reply.deliveryID = deliveryID
        reply.gatewayID = msgID
        reply.sent = true
        if let deliveryID { state.lastDeliveryByOpenID[openID] = deliveryID }
        if signsUp, let signedUp = deliveryID ?? state.lastDeliveryByOpenID[openID],
           let plan = signup(deliveryID: signedUp, openID: openID, delay: delay, exchange) {
            reply.callbacks = [plan]
        }
        return reply
    }

    /// The `webhook.signup` callback, or nil when callbacks are off.
    static func signup(deliveryID: String, openID: String, delay: Double,
                       _ exchange: GatewayExchange) -> CallbackPlan? {
        guard let url = exchange.callbackURL(.webhookSignup) else { return nil }
        var plan = CallbackPlan.post(.webhookSignup, url: url, json: .fields([
            "delivery_id": .string(deliveryID),
            "openid": .string(openID),
            "action": .string("signup"),
        ]), delay: delay, deliveryID: deliveryID)
        plan.signed = true
        return plan
    }

    /// `delivery` or `delivery_id` from the query of a mini-program page path.
    static func deliveryID(inPage page: String) -> String? {
        guard let mark = page.firstIndex(of: "?") else { return nil }
        let items = HTTPQueryItem.decode(query: String(page[page.index(after: mark)...]))
        return items.first { ($0.name == "delivery" || $0.name == "delivery_id") && !$0.value.isEmpty }?.value
    }

    static func error(_ code: Int, _ message: String, action: String) -> GatewayReply {
        GatewayReply(.json(200, .fields(["errcode": .int(code), "errmsg": .string(message)])), action: action,
                     outcome: .rejected(code: String(code)))
    }

    static func tooManyRequests() -> HTTPServerResponse {
        .json(429, .fields(["errcode": .int(45011),
                            "errmsg": .string("api minute-quota reach limit  mustslower  retry next minute")]))
    }
}
