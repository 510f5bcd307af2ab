import HeraldCore
import HeraldHTTP
import Synchronization

/// A CSV roster upload parsed as it streams in: each piece of the body goes
/// straight into `RosterImport`, so memory holds the parsed residents, never
/// the raw file. The records are stored only once the whole file is read
/// and valid (all or nothing), so they are kept until then.
final class RosterUpload: HTTPBodyConsumer {
    private let roster = Mutex(RosterImport())

    func consume(_ bytes: UnsafeRawBufferPointer) {
        roster.withLock { $0.feed(bytes) }
    }

    func finish() -> RosterImportResult {
        roster.withLock { $0.finish() }
    }

    /// The server's `bodyStream`: a CSV import by a valid token streams into
    /// a `RosterUpload` with the import cap; anything else is buffered as
    /// usual (an unauthenticated upload is refused before its body matters).
    static func stream(_ context: ServerContext) -> @Sendable (HTTPRequestHead) -> HTTPBodyStream? {
        { head in
            guard head.method == "POST", head.path == "/v1/residents/import",
                  let header = head.header("Authorization"),
                  (try? Routes.principal(bearer: header, context)) != nil else { return nil }
            return HTTPBodyStream(consumer: RosterUpload(), maxBytes: context.configuration.maxImportBytes)
        }
    }
}
