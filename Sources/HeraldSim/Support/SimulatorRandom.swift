import HeraldCore

/// The random draws of one request, from its own `SeededGenerator`.
///
/// Each request's generator is seeded from the simulator's seed and the
/// request's sequence number, so a request's outcome depends only on the
/// seed, its place in the order of requests and the state earlier requests
/// left (balances, frequency limits), never on how many draws another
/// request made. The arithmetic here is written out rather than taken from
/// the standard library's `random(in:using:)`, whose algorithm may change
/// between toolchains: the same seed must give the same demo everywhere.
///
/// Not Sendable in spirit: a value owned by the request being processed.
struct SimulatorRandom {
    private var generator: SeededGenerator

    init(seed: UInt64, sequence: Int) {
        // Seeds that differ by SplitMix's own increment would give shifted
        // copies of one stream; one finalizing round decorrelates them.
        var mixer = SeededGenerator(seed: seed ^ (UInt64(truncatingIfNeeded: sequence) &* 0xD1B5_4A32_D192_ED03))
        generator = SeededGenerator(seed: mixer.next())
    }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [0, 1), 53 bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// True with probability `rate`; always makes exactly one draw, so the
    /// draws after it do not shift when a rate is 0 or 1.
    mutating func chance(_ rate: Double) -> Bool {
        unit() < rate
    }

    /// Uniform in `range` (both ends included).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        guard span != 0 else { return Int(truncatingIfNeeded: next()) }
        return range.lowerBound + Int(next() % span)
    }

    /// Uniform in `range`.
    mutating func double(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// One element, or nil for an empty array; one draw either way.
    mutating func element<T>(of array: [T]) -> T? {
        let draw = next()
        guard !array.isEmpty else { return nil }
        return array[Int(draw % UInt64(array.count))]
    }

    /// `count` decimal digits, the first not 0.
    mutating func digits(_ count: Int) -> String {
        var text = String(int(in: 1...9))
        for _ in 1..<max(1, count) { text += String(int(in: 0...9)) }
        return text
    }

    /// `count` lowercase hex digits.
    mutating func hex(_ count: Int) -> String {
        let alphabet = Array("0123456789abcdef")
        return String((0..<count).map { _ in alphabet[Int(next() & 0xF)] })
    }

    /// A version-4 style UUID: `8-4-4-4-12` hex digits.
    mutating func uuid(uppercase: Bool = false) -> String {
        let text = hex(8) + "-" + hex(4) + "-4" + hex(3) + "-" + ["8", "9", "a", "b"][Int(next() & 3)] + hex(3)
            + "-" + hex(12)
        return uppercase ? text.uppercased() : text
    }

    /// `count` characters of `A-Z a-z 0-9 _ -`, like a WeChat access_token.
    mutating func token(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        return String((0..<count).map { _ in alphabet[Int(next() & 63)] })
    }
}
