import Foundation
import Testing
@testable import HeraldServer

/// docs/openapi.json describes exactly the routes the server has.
@Suite struct OpenAPIDocumentTests {
    static let document = ServerHarness.packageRoot.appendingPathComponent("docs/openapi.json")

    static func load() throws -> [String: Any] {
        let data = try Data(contentsOf: document)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let paths = try #require(try Self.load()["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "post", "put", "delete", "patch", "head"]
        var documented: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys where methods.contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let routed = Set(harness.server.routeTable.map { "\($0.method) \($0.pattern)" })
        #expect(routed.subtracting(documented).sorted() == [], "routes missing from docs/openapi.json")
        #expect(documented.subtracting(routed).sorted() == [], "documented routes the server does not have")
    }

    @Test func documentIsOpenAPI31WithEveryReferenceResolvedAndEveryParameterDeclared() throws {
        let document = try Self.load()
        #expect(document["openapi"] as? String == "3.1.0")
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        var references: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(document)
        #expect(!references.isEmpty)
        for reference in references {
            let name = reference.replacingOccurrences(of: "#/components/schemas/", with: "")
            #expect(schemas[name] != nil, "unresolved \(reference)")
        }
        // Each {name} in a path is declared as a path parameter of every operation.
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, operations) in paths {
            let names = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
            for (method, operation) in operations {
                let parameters = ((operation as? [String: Any])?["parameters"] as? [[String: Any]]) ?? []
                let declared = Set(parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
                #expect(declared == Set(names), "\(method) \(path)")
                #expect(((operation as? [String: Any])?["responses"] as? [String: Any])?.isEmpty == false)
            }
        }
    }
}
