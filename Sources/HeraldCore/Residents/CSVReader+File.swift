import Foundation

extension CSVReader {
    /// The default size of one read from a file: 64 KiB.
    public static let defaultChunkSize = 64 * 1024

    /// Reads a CSV file in fixed-size chunks, handing each record, or the
    /// error that skipped it, to `body` as soon as it is complete.
    ///
    /// Memory stays at about one chunk plus one record, whatever the file's
    /// size. Throws ``CSVError/Code/readFailed`` when the file cannot be
    /// opened or read; record errors go to `body`, including one that ends
    /// reading (``CSVError/endsReading``).
    public static func readFile(
        atPath path: String, chunkSize: Int = CSVReader.defaultChunkSize,
        maximumRecordBytes: Int = CSVReader.defaultMaximumRecordBytes,
        _ body: (Result<CSVRecord, CSVError>) -> Void
    ) throws(CSVError) {
        var reader = CSVReader(maximumRecordBytes: maximumRecordBytes)
        try forEachChunk(ofFileAtPath: path, chunkSize: chunkSize, lineReached: { reader.lineReached }) { chunk in
            reader.append(chunk)
            reader.drain(into: body)
        }
        reader.finish()
        reader.drain(into: body)
    }

    /// Takes every record available now, handing records and errors to `body`.
    mutating func drain(into body: (Result<CSVRecord, CSVError>) -> Void) {
        while true {
            do {
                guard let record = try nextRecord() else { return }
                body(.success(record))
            } catch {
                body(.failure(error))
            }
        }
    }

    /// Calls `body` with each chunk of at most `chunkSize` bytes of a file;
    /// `lineReached` says which line a read error is reported at.
    static func forEachChunk(
        ofFileAtPath path: String, chunkSize: Int, lineReached: () -> Int, _ body: (Data) -> Void
    ) throws(CSVError) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw CSVError(
                .readFailed, "cannot open \(path): \(error.localizedDescription)", line: 1)
        }
        defer { try? handle.close() }
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: chunkSize)
            } catch {
                let line = lineReached()
                throw CSVError(
                    .readFailed, "reading \(path) failed at line \(line): \(error.localizedDescription)",
                    line: line)
            }
            guard let chunk, !chunk.isEmpty else { return }
            body(chunk)
        }
    }
}
