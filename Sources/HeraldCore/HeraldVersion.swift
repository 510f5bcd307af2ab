/// Herald's own version, printed by `herald version` and in /metrics.
public enum HeraldVersion {
    public static let current = "0.1.0"
}
