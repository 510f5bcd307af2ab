/// Kannel's `%` escapes in `dlr-url` and `get-url` templates, filled in the
/// way smsbox does before it fetches the URL.
///
/// Values are URL-encoded as Kannel's `octstr_url_encode` does: letters,
/// digits and `-._~` stay, a space becomes `+`, every other UTF-8 byte
/// becomes `%XX`. `%%` is a literal `%`; an escape Kannel does not know is
/// left as written.
enum KannelEscapes {
    static func expand(_ template: String, _ values: [Character: String]) -> String {
        var output = ""
        var iterator = template.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else {
                output.append(character)
                continue
            }
            guard let escape = iterator.next() else {
                output.append("%")
                break
            }
            if escape == "%" {
                output += "%"
            } else if let value = values[escape] {
                output += encode(value)
            } else {
                output.append("%")
                output.append(escape)
            }
        }
        return output
    }

    static func encode(_ value: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                bytes.append(byte)
            case UInt8(ascii: " "):
                bytes.append(UInt8(ascii: "+"))
            default:
                bytes += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
