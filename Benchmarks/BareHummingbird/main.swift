// The ceiling for the API benchmark (`scripts/api-bench.sh`): Hummingbird on one listener with
// the simplest responder, answering a fixed small JSON reply to POST / and GET /, and 404 to
// anything else. Usage: BareHummingbird [PORT] (0 or none = any free port). Prints the bound
// port on stdout as `schedulerd serve` does, then serves until SIGINT/SIGTERM.
import Foundation
import Hummingbird
import Logging

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 0 : 0

let reply = ByteBuffer(string: #"{"ok":true}"#)
let okHeaders: HTTPFields = [.contentType: "application/json", .contentLength: String(reply.readableBytes)]
let notFoundHeaders: HTTPFields = [.contentLength: "0"]

let responder = CallbackResponder<BasicRequestContext> { request, _ in
    guard request.uri.path == "/", request.method == .post || request.method == .get else {
        return Response(status: .notFound, headers: notFoundHeaders)
    }
    return Response(status: .ok, headers: okHeaders, body: .init(byteBuffer: reply))
}

var logger = Logger(label: "BareHummingbird")
logger.logLevel = .error
let application = Application(
    responder: responder,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "BareHummingbird"),
    onServerRunning: { channel in
        let url = "http://127.0.0.1:\(channel.localAddress?.port ?? port)"
        FileHandle.standardOutput.write(Data("BareHummingbird: listening on \(url) (fixed reply)\n".utf8))
    },
    logger: logger
)
try await application.runService()
