import CCurl

/// The libcurl multi handle (`CURLM*`), owned by exactly this object.
///
/// Used only from the `HTTPClient` event-loop thread, except `wakeUp()`,
/// which libcurl documents as callable from any thread.
final class CurlMulti: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    init() throws(HTTPClientError) {
        guard let pointer = curl_multi_init() else {
            throw HTTPClientError(kind: .other, message: "curl_multi_init failed (out of memory?)", url: "")
        }
        self.pointer = pointer
    }

    deinit {
        curl_multi_cleanup(pointer)
    }

    func set(_ option: CURLMoption, _ value: Int) throws(HTTPClientError) {
        let code = ccurl_multi_setopt_long(pointer, option, value)
        guard code == CURLM_OK else {
            throw HTTPClientError(kind: .other, message: "curl_multi_setopt(\(option.rawValue)): "
                                  + String(cString: curl_multi_strerror(code)), url: "")
        }
    }

    /// Moves every transfer along as far as it can go without blocking.
    func perform(_ running: inout Int32) {
        // CURLM_CALL_MULTI_PERFORM is not returned since 7.20; other errors
        // are about the multi handle itself and surface per transfer.
        _ = curl_multi_perform(pointer, &running)
    }

    /// The next finished transfer's easy handle and result, if any.
    func nextDone() -> (UnsafeMutableRawPointer, CURLcode)? {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(pointer, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                return (easy, message.pointee.data.result)
            }
        }
        return nil
    }

    /// Waits until a socket is ready, a timeout libcurl wants passes, the
    /// given bound passes, or `wakeUp()` is called.
    func poll(timeoutMilliseconds: Int32) {
        var ready: Int32 = 0
        _ = curl_multi_poll(pointer, nil, 0, timeoutMilliseconds, &ready)
    }

    /// Interrupts `poll` from any thread.
    func wakeUp() {
        _ = curl_multi_wakeup(pointer)
    }
}

/// `curl_global_init`, once per process, before the first handle.
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func ensureInitialized() {
        precondition(initialized, "curl_global_init failed")
    }
}
