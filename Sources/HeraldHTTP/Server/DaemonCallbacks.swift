import CMicroHTTPD

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The C callbacks HTTPServer registers with libmicrohttpd. Each is a
/// closure literal that captures nothing; its `cls` is the daemon's
/// `ListenerContext`, retained for as long as the daemon runs.
enum DaemonCallbacks {
    /// MHD_AccessHandlerCallback.
    static let access: MHD_AccessHandlerCallback = { cls, connection, url, method, version, uploadData,
                                                     uploadDataSize, state in
        guard let cls, let connection, let uploadDataSize, let state else { return .NO }
        let context = Unmanaged<ListenerContext>.fromOpaque(cls).takeUnretainedValue()
        return context.access(connection: connection, url: url, method: method, version: version,
                              uploadData: uploadData, uploadDataSize: uploadDataSize, state: state)
    }

    /// MHD_RequestCompletedCallback: releases the exchange retained in `*con_cls`.
    ///
    /// libmicrohttpd calls it for every request the access handler has seen,
    /// whether answered, failed, timed out or cut by shutdown.
    static let requestCompleted: MHD_RequestCompletedCallback = { cls, _, state, _ in
        guard let cls, let state, let raw = state.pointee else { return }
        state.pointee = nil
        let exchange = Unmanaged<ServerExchange>.fromOpaque(raw).takeRetainedValue()
        Unmanaged<ListenerContext>.fromOpaque(cls).takeUnretainedValue().complete(exchange)
    }

    /// MHD_LogCallback: formats libmicrohttpd's printf-style message.
    static let log: MHD_LogCallback = { cls, format, arguments in
        guard let cls, let format, let arguments else { return }
        var buffer = [CChar](repeating: 0, count: 512)
        let written = vsnprintf(&buffer, buffer.count, format, arguments)
        guard written > 0 else { return }
        let length = min(Int(written), buffer.count - 1)
        var message = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        while message.last?.isNewline == true { message.removeLast() }
        Unmanaged<ListenerContext>.fromOpaque(cls).takeUnretainedValue().record(libraryMessage: message)
    }
}
