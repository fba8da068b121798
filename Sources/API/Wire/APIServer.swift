public import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle

/// The HTTP listener as a service of the daemon's `ServiceGroup`: it stops accepting on
/// graceful shutdown and finishes the requests in flight.
public struct APIServer: Service {
    let host: String
    let port: Int
    let responder: APIResponder
    let logger: Logger
    /// Called with the bound port once the listener accepts connections (the port differs
    /// from the configured one when that is 0).
    let onListening: @Sendable (Int) async -> Void

    public init(host: String, port: Int, responder: APIResponder, logger: Logger,
                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.responder = responder
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let application = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: "schedulerd"),
            onServerRunning: { [onListening, port] channel in
                await onListening(channel.localAddress?.port ?? port)
            },
            logger: logger
        )
        try await application.run()   // its inner ServiceGroup follows our graceful shutdown
    }
}
