import CCurl

/// One libcurl easy handle (`CURL*`), owned by exactly this object.
///
/// Confined to the `HTTPClient` event-loop thread; not Sendable. The client
/// keeps finished handles in a pool and resets them for the next request, so
/// a steady load allocates no handles. Options shared by every request are
/// set once; the per-request ones are all set again on each use; the connections themselves live in the
/// multi handle's cache, not here.
final class EasyHandle {
    let pointer: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: libcurl writes its detailed message here.
    let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(HTTPClientError) {
        guard let pointer = curl_easy_init() else {
            throw HTTPClientError(kind: .other, message: "curl_easy_init failed (out of memory?)", url: "")
        }
        self.pointer = pointer
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(pointer)
        errorBuffer.deallocate()
    }

    /// Forgets the previous request's error message.
    func clearError() {
        errorBuffer[0] = 0
    }

    func set(_ option: CURLoption, _ value: Int) throws(EasyOptionError) {
        let code = ccurl_easy_setopt_long(pointer, option, value)
        guard code == CURLE_OK else { throw EasyOptionError(option: option, code: code) }
    }

    func set(_ option: CURLoption, _ value: String) throws(EasyOptionError) {
        // libcurl copies string options (CURLOPT_URL and friends) since 7.17.
        let code = ccurl_easy_setopt_string(pointer, option, value)
        guard code == CURLE_OK else { throw EasyOptionError(option: option, code: code) }
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(EasyOptionError) {
        let code = ccurl_easy_setopt_pointer(pointer, option, value)
        guard code == CURLE_OK else { throw EasyOptionError(option: option, code: code) }
    }

    func set(_ option: CURLoption, offset value: Int64) throws(EasyOptionError) {
        let code = ccurl_easy_setopt_off_t(pointer, option, curl_off_t(value))
        guard code == CURLE_OK else { throw EasyOptionError(option: option, code: code) }
    }

    func info(_ info: CURLINFO) -> Int {
        var value = 0
        guard ccurl_easy_getinfo_long(pointer, info, &value) == CURLE_OK else { return 0 }
        return value
    }

    var errorDetail: String { String(cString: errorBuffer) }
}

/// A curl_easy_setopt call that libcurl refused.
struct EasyOptionError: Error {
    let option: CURLoption
    let code: CURLcode

    var message: String {
        "curl_easy_setopt(\(option.rawValue)) failed: " + String(cString: curl_easy_strerror(code))
    }
}
