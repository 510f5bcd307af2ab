import HeraldHTTP
import Testing

@Suite struct HTTPMessageTests {
    @Test func decodesPercentEscapesPlusAndBareNames() {
        let items = HTTPQueryItem.decode(query: "name=%E5%BC%A0%E4%B8%89&note=a+b%26c&&flag&empty=")
        #expect(items == [HTTPQueryItem("name", "张三"), HTTPQueryItem("note", "a b&c"),
                          HTTPQueryItem("flag", ""), HTTPQueryItem("empty", "")])
    }

    @Test func keepsMalformedEscapesAsWritten() {
        #expect(HTTPQueryItem.decode(query: "a=%zz&b=%4&c=100%") == [
            HTTPQueryItem("a", "%zz"), HTTPQueryItem("b", "%4"), HTTPQueryItem("c", "100%"),
        ])
    }

    @Test func encodedEqualsAndPlusStayInTheValue() {
        #expect(HTTPQueryItem.decode(query: "to=%2B86%3D1") == [HTTPQueryItem("to", "+86=1")])
    }

    @Test func requestAndResponseHeaderLookupIgnoresCase() {
        let request = HTTPServerRequest(method: "GET", path: "/", headers: [HTTPField("Content-TYPE", "text/plain")])
        #expect(request.header("content-type") == "text/plain")
        #expect(request.header("content-typ") == nil)
        #expect(HTTPServerResponse.text(200, "").header("CONTENT-TYPE") == "text/plain; charset=utf-8")
    }
}
