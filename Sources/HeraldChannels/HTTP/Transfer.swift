import CCurl

/// The state of one request while libcurl works on it: the easy handle, the
/// header list and the response collected so far.
///
/// Confined to the event-loop thread once submitted; not Sendable (the
/// `@unchecked` only lets it cross from the submitting thread to the loop
/// through the client's locked inbox, after which one thread owns it).
final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    let task: HTTPTask
    let completion: @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void

    var easy: EasyHandle?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var body: [UInt8] = []
    var rawHeaders: [UInt8] = []
    var exceededLimit = false
    var finished = false

    init(request: HTTPRequest, task: HTTPTask,
         completion: @escaping @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void) {
        self.request = request
        self.task = task
        self.completion = completion
    }

    deinit {
        if let headerList { curl_slist_free_all(headerList) }
    }

    /// Appends a response chunk; false when it would pass the size cap.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= request.maxResponseBytes else {
            exceededLimit = true
            return false
        }
        // Typed as UInt8 so the append is one memcpy, not a byte-by-byte loop.
        body.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
        return true
    }

    /// Appends one header line. A new status line (after a 100 Continue or an
    /// informational response) starts the header block over.
    func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count >= 5, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"),
           bytes[2] == UInt8(ascii: "T"), bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/") {
            rawHeaders.removeAll(keepingCapacity: true)
        }
        rawHeaders.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    }
}
