import HeraldCore

/// A generated neighbourhood for `herald demo`: 阳光新村, its buildings and
/// residents, the same for the same seed.
///
/// About a fifth are elderly who prefer a phone call and have no mini
/// program; most others read the mini program, the rest only SMS.
struct DemoNeighbourhood {
    struct Resident: Encodable {
        var name: String
        var phone: String
        var openid: String?
        var building: String
        var unit: String
        var room: String
        var tags: [String]
        var voiceOK: Bool
        var preferredChannel: String?

        enum CodingKeys: String, CodingKey {
            case name, phone, openid, building, unit, room, tags
            case voiceOK = "voice_ok"
            case preferredChannel = "preferred_channel"
        }
    }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢")
    static let givenNames = ["秀英", "建国", "桂兰", "志强", "玉珍", "国华", "丽娟", "伟", "敏", "静", "海燕", "文杰",
                             "淑珍", "德明", "凤英", "小红", "佳怡", "子轩", "雨涵", "浩然", "金凤", "永福", "美玲", "振华",
                             "晓东", "慧敏", "春生", "翠花", "宝华", "欣怡"]

    let residents: [Resident]

    /// - Parameters:
    ///   - count: residents to generate.
    ///   - buildings: 1号楼 … N号楼, three units each, six floors.
    init(count: Int, buildings: Int = 30, seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var residents: [Resident] = []
        residents.reserveCapacity(count)
        for index in 0..<count {
            let elderly = Double.random(in: 0..<1, using: &random) < 0.2
            let usesMiniProgram = !elderly && Double.random(in: 0..<1, using: &random) < 0.75
            let surname = Self.surnames.randomElement(using: &random)!
            let given = Self.givenNames.randomElement(using: &random)!
            let floor = Int.random(in: 1...6, using: &random)
            residents.append(Resident(
                name: String(surname) + given,
                phone: "139" + String(index + 10_000_000).suffix(8),
                openid: usesMiniProgram ? "oDemo\(index)" : nil,
                building: "\(index % buildings + 1)号楼",
                unit: "\(Int.random(in: 1...3, using: &random))单元",
                room: "\(floor)0\(Int.random(in: 1...4, using: &random))",
                tags: elderly ? ["高龄老人"] : [],
                voiceOK: true,
                preferredChannel: elderly ? "voice" : nil))
        }
        self.residents = residents
    }

    var elderly: Int { residents.count { $0.preferredChannel == "voice" } }
    var withMiniProgram: Int { residents.count { $0.openid != nil } }
}
