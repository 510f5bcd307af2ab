import Dispatch
import HeraldCore
import HeraldDispatch
import HeraldStore

/// What every handler reaches: the database, the receipt processor, the
/// templates, the dispatcher when it runs in this process, the clock.
///
/// Sendable: every part is Sendable or immutable.
public struct ServerContext: Sendable {
    public let jobs: JobQueue
    public let receipts: ReceiptProcessor
    public let templates: TemplateCatalog
    /// The dispatcher running in this process, if any: told about new
    /// broadcasts, and read for `/metrics` and `/v1/status`. Without it the
    /// dispatcher's last snapshot in the database is read instead.
    public let dispatcher: Dispatcher?
    /// The queue files, to check a broadcast's channel plan names real queues.
    public let queues: QueueCatalog?
    public let configuration: ServerConfiguration
    public let metrics: ServerMetrics
    public let logger: Logger

    public var clock: any WallClock { jobs.clock }
    public var activities: ActivityStore { ActivityStore(writer: jobs.writer, readers: jobs.readers, clock: jobs.clock) }

    public init(jobs: JobQueue, templates: TemplateCatalog, dispatcher: Dispatcher? = nil,
                queues: QueueCatalog? = nil, configuration: ServerConfiguration,
                metrics: ServerMetrics = ServerMetrics(), logger: Logger = Logger(label: "server")) {
        self.jobs = jobs
        self.templates = templates
        self.dispatcher = dispatcher
        self.queues = queues ?? dispatcher?.configuration.queues
        self.receipts = dispatcher?.receipts ?? ReceiptProcessor(queue: jobs, queues: self.queues)
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Reads from a reader connection inside one transaction (a consistent snapshot).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try jobs.readers.read(body)
    }

    /// Writes in one BEGIN IMMEDIATE transaction on the single writer.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try jobs.writer.write(body)
    }

    var nowMilliseconds: Int64 { clock.now().unixMilliseconds }
}
