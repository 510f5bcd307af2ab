import Foundation

/// Every template of a templates folder, and the ones that failed to load.
///
/// One bad template does not hide the others: `problems` lists each folder
/// that could not be loaded, `templates` the rest, sorted by name.
public struct TemplateCatalog: Sendable {
    public var templates: [Template]
    public var problems: [TemplateError]

    public init(templates: [Template], problems: [TemplateError] = []) {
        self.templates = templates.sorted { $0.name < $1.name }
        self.problems = problems
    }

    /// Loads every subfolder of `directory` (files such as README.md are skipped).
    ///
    /// Throws only when `directory` itself is missing or unreadable; a bad
    /// template goes to `problems`.
    public init(loadingFrom directory: String) throws(TemplateError) {
        let folder = (directory as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TemplateError(.unreadable, template: folder, "the templates folder \(directory) does not exist")
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw TemplateError(.unreadable, template: folder, "cannot read the templates folder \(directory)")
        }
        var templates: [Template] = []
        var problems: [TemplateError] = []
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(entry)
            var entryIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &entryIsDirectory),
                  entryIsDirectory.boolValue else { continue }
            do throws(TemplateError) {
                templates.append(try TemplateLoader.load(folder: path))
            } catch {
                problems.append(error)
            }
        }
        self.init(templates: templates, problems: problems)
    }

    /// The template called `name`.
    public func template(named name: String) -> Template? {
        templates.first { $0.name == name }
    }
}
