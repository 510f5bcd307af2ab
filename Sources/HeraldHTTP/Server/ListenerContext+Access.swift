import CMicroHTTPD

/// The access handler's work: collect the body, run the handler, queue the
/// answer now or suspend the connection until it comes.
///
/// libmicrohttpd calls the access handler several times per request (see
/// `MHD_AccessHandlerCallback` in microhttpd.h): once when the headers are
/// in, once per piece of body, once more when the request is complete, and
/// again after each `MHD_resume_connection`.
extension ListenerContext {
    func access(connection: OpaquePointer,
                url: UnsafePointer<CChar>?,
                method: UnsafePointer<CChar>?,
                version: UnsafePointer<CChar>?,
                uploadData: UnsafePointer<CChar>?,
                uploadDataSize: UnsafeMutablePointer<Int>,
                state: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> MHD_Result {
        guard let raw = state.pointee else {
            // First call: the headers are in, no body has been read yet.
            let exchange = ServerExchange(connection: connection)
            state.pointee = Unmanaged.passRetained(exchange).toOpaque()
            if let bodyStream {
                exchange.stream = bodyStream(HTTPRequestHead(method: method.map { String(cString: $0) } ?? "",
                                                             path: url.map { String(cString: $0) } ?? "/",
                                                             headers: fields(of: connection, kind: .HEADER_KIND)))
            }
            let limit = exchange.stream?.maxBytes ?? maxBodyBytes
            guard let declared = declaredContentLength(connection) else { return .YES }
            if declared > limit {
                // Answering now, before the body, makes libmicrohttpd skip it
                // and close the connection after the response.
                exchange.bodyTooLarge = true
                return queue(ListenerContext.tooLargeResponse, on: connection)
            }
            // Capped: a declared length costs nothing to send, memory does.
            if exchange.stream == nil { exchange.body.reserveCapacity(min(declared, 64 * 1024)) }
            return .YES
        }
        let exchange = Unmanaged<ServerExchange>.fromOpaque(raw).takeUnretainedValue()

        let count = uploadDataSize.pointee
        if count > 0 {
            if let stream = exchange.stream {
                if !exchange.bodyTooLarge {
                    if exchange.streamedBytes + count > stream.maxBytes {
                        exchange.bodyTooLarge = true
                    } else if let uploadData {
                        exchange.streamedBytes += count
                        stream.consumer.consume(UnsafeRawBufferPointer(start: uploadData, count: count))
                    }
                }
            } else if !exchange.bodyTooLarge {
                if exchange.body.count + count > maxBodyBytes {
                    // Chunked (no Content-Length) and too long: keep reading
                    // to the end without keeping anything, then answer 413.
                    exchange.bodyTooLarge = true
                    exchange.body = []
                } else if let uploadData {
                    exchange.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: count))
                }
            }
            uploadDataSize.pointee = 0
            return .YES
        }

        switch next(for: exchange) {
        case .respond(let response):
            return queue(response, on: connection)
        case .unexpected:
            logger.error("libmicrohttpd called the access handler for a request already being answered; closing it")
            return .NO
        case .handle:
            if exchange.bodyTooLarge {
                return queue(ListenerContext.tooLargeResponse, on: connection)
            }
            let request = makeRequest(exchange, url: url, method: method, version: version)
            runHandler(request, exchange)
            if let response = finishHandling(exchange) {
                return queue(response, on: connection)
            }
            return .YES
        }
    }

    /// Calls the handler with a responder that dies when this returns, so a
    /// handler that neither answers nor keeps the responder gets its 500
    /// before `finishHandling` looks.
    private func runHandler(_ request: HTTPServerRequest, _ exchange: ServerExchange) {
        let responder = HTTPServerResponder { [self, exchange] response in
            deliver(response, to: exchange)
        }
        handler(request, responder)
    }

    private func declaredContentLength(_ connection: OpaquePointer) -> Int? {
        guard let value = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length") else {
            return nil
        }
        return Int(String(cString: value).trimmingASCIISpaces)
    }

    private func makeRequest(_ exchange: ServerExchange,
                             url: UnsafePointer<CChar>?,
                             method: UnsafePointer<CChar>?,
                             version: UnsafePointer<CChar>?) -> HTTPServerRequest {
        let connection = exchange.connection
        let headers = fields(of: connection, kind: .HEADER_KIND)
        let arguments = fields(of: connection, kind: .GET_ARGUMENT_KIND)
        let remote = cmhd_connection_client_address(connection).map(SocketAddress.text(of:)) ?? ""
        let body = exchange.body
        exchange.body = []
        return HTTPServerRequest(method: method.map { String(cString: $0) } ?? "",
                                 path: url.map { String(cString: $0) } ?? "/",
                                 query: arguments.map { HTTPQueryItem($0.name, $0.value) },
                                 headers: headers,
                                 body: body,
                                 remoteAddress: remote,
                                 version: version.map { String(cString: $0) } ?? "",
                                 bodyConsumer: exchange.stream?.consumer)
    }

    /// The connection's values of one kind, in the order they arrived;
    /// sizes come from libmicrohttpd, so a `%00` in a query value survives.
    private func fields(of connection: OpaquePointer, kind: MHD_ValueKind) -> [HTTPField] {
        var fields: [HTTPField] = []
        let visited = withUnsafeMutablePointer(to: &fields) { pointer in
            MHD_get_connection_values_n(connection, kind, { cls, _, key, keySize, value, valueSize in
                guard let cls else { return .NO }
                func text(_ bytes: UnsafePointer<CChar>?, _ size: Int) -> String {
                    guard let bytes else { return "" }
                    return String(decoding: UnsafeRawBufferPointer(start: bytes, count: size), as: UTF8.self)
                }
                cls.assumingMemoryBound(to: [HTTPField].self).pointee
                    .append(HTTPField(text(key, keySize), text(value, valueSize)))
                return .YES
            }, pointer)
        }
        if visited < 0 {
            logger.error("MHD_get_connection_values_n failed", ["kind": .string("\(kind)")])
        }
        return fields
    }

    /// Hands `response` to libmicrohttpd, or closes the connection for
    /// `dropConnection`. MHD_NO tells libmicrohttpd to close the connection.
    func queue(_ response: HTTPServerResponse, on connection: OpaquePointer) -> MHD_Result {
        if response.dropsConnection { return .NO }
        guard (100...999).contains(response.status) else {
            logger.error("a handler answered with an invalid HTTP status; closing the connection",
                         ["status": .int(response.status)])
            return .NO
        }
        let created = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                                            .RESPMEM_MUST_COPY)
        }
        guard let handle = created else {
            logger.error("MHD_create_response_from_buffer failed; closing the connection",
                         ["bytes": .int(response.body.count)])
            return .NO
        }
        defer { MHD_destroy_response(handle) }
        for field in response.headers where !field.name.equalsIgnoringASCIICase("Content-Length") {
            if MHD_add_response_header(handle, field.name, field.value) != .YES {
                // libmicrohttpd refuses CR or LF in a header and headers it
                // writes itself; the response goes out without this one.
                logger.warning("libmicrohttpd refused a response header; sent without it",
                               ["header": .string(field.name)])
            }
        }
        guard MHD_queue_response(connection, UInt32(response.status), handle) == .YES else {
            logger.error("MHD_queue_response failed; closing the connection", ["status": .int(response.status)])
            return .NO
        }
        return .YES
    }
}

extension String {
    fileprivate var trimmingASCIISpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
