import CMicroHTTPD

/// The libmicrohttpd version HeraldServer runs on, for `herald version`.
public enum ServerLibraryVersions {
    public static var microhttpd: String {
        MHD_get_version().map { String(cString: $0) } ?? "unknown"
    }
}
