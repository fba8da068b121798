// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "schedulerd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "schedulerd", targets: ["schedulerd"]),
        .library(name: "ChangeCalendar", targets: ["ChangeCalendar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibical",
            path: "Sources/CLibical",
            pkgConfig: "libical",
            providers: [.apt(["libical-dev"])]
        ),
        .target(
            name: "ChangeCalendar",
            dependencies: ["CLibical"],
            path: "Sources/Calendar"
        ),
        .target(
            name: "SchedulerCore",
            dependencies: ["ChangeCalendar"]
        ),
        .target(
            name: "Store",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .target(
            // Not "Configuration": Hummingbird brings apple/swift-configuration, whose module has that name.
            name: "SchedulerConfiguration",
            dependencies: [.product(name: "Yams", package: "Yams")],
            path: "Sources/Configuration"
        ),
        .target(
            name: "Systemd"
        ),
        .target(
            // Owner-only key files (the credentials key, the Parameter Store master keys).
            name: "KeyFiles",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "Parameters",
            dependencies: [
                "Store", "EventBus", "KeyFiles",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Auth",
            dependencies: [
                "Store", "KeyFiles",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "Daemon",
            dependencies: [
                "ChangeCalendar", "SchedulerCore", "Store", "EventBus", "SchedulerMetrics", "Parameters",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            // The EC2 and RDS simulators behind ResourceProvider, their faults and events, and the
            // AWS call model the API and the automation engine share.
            name: "Actions",
            dependencies: [
                "Daemon", "Store", "EventBus", "SchedulerCore", "SchedulerMetrics", "ChangeCalendar",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            // Not "Metrics": that name belongs to apple/swift-metrics, which Hummingbird brings.
            name: "SchedulerMetrics",
            path: "Sources/DaemonMetrics"
        ),
        .target(
            // Automation runbooks (schema 0.3): model, parsing with positions, validation, interpolation.
            name: "Runbooks",
            dependencies: ["EventBus", "SchedulerConfiguration"]
        ),
        .target(
            // The automation engine: executions, steps, actions, rate control, persistence, events.
            name: "Automation",
            dependencies: [
                "Runbooks", "Daemon", "Store", "EventBus", "SchedulerCore", "ChangeCalendar", "SchedulerMetrics", "Parameters", "Actions",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "API",
            dependencies: [
                "Actions", "ChangeCalendar", "Daemon", "Store", "EventBus", "SchedulerMetrics", "SchedulerCore", "Runbooks", "Parameters",
                "Automation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SchedulerTesting",
            dependencies: ["SchedulerCore"]
        ),
        .target(
            name: "EventBus",
            path: "Sources/EventBus"
        ),
        .executableTarget(
            name: "schedulerd",
            dependencies: [
                "Actions", "ChangeCalendar", "Daemon", "SchedulerConfiguration", "Systemd", "Store", "SchedulerCore", "EventBus", "API", "SchedulerMetrics", "Auth",
                "Parameters",
                "Automation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "CalendarBenchmark",
            dependencies: ["ChangeCalendar", "CLibical"],
            path: "Benchmarks/CalendarBenchmark"
        ),
        .executableTarget(
            name: "DaemonBenchmark",
            dependencies: ["ChangeCalendar", "Daemon", "Store", "SchedulerCore", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/DaemonBenchmark"
        ),
        .executableTarget(
            name: "EventBusBenchmark",
            dependencies: ["EventBus", "SchedulerTesting"],
            path: "Benchmarks/EventBusBenchmark"
        ),
        .executableTarget(
            // The ceiling for the API benchmark: Hummingbird answering a fixed reply.
            name: "BareHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/BareHummingbird"
        ),
        .executableTarget(
            // The floor under the daemon's idle memory: the fixed components alone (DaemonBenchmark runs it).
            name: "StackFloor",
            dependencies: [
                "CLibical",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/StackFloor"
        ),
        .executableTarget(
            // The HTTP load generator of scripts/api-bench.sh (POSIX sockets, one thread per connection).
            name: "APIBenchmark",
            path: "Benchmarks/APIBenchmark"
        ),
        .testTarget(
            name: "SchedulerCoreTests",
            dependencies: ["SchedulerCore", "SchedulerTesting", "ChangeCalendar"]
        ),
        .testTarget(
            name: "ParametersTests",
            dependencies: ["Parameters", "Store", "EventBus", "KeyFiles", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store"]
        ),
        .testTarget(
            name: "AuthTests",
            dependencies: ["Auth", "Store", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "ConfigurationTests",
            dependencies: ["SchedulerConfiguration"]
        ),
        .testTarget(
            name: "SystemdTests",
            dependencies: ["Systemd", "SchedulerTesting"]
        ),
        .testTarget(
            name: "DaemonTests",
            dependencies: ["Daemon", "SchedulerTesting", "ChangeCalendar", "Store", "SchedulerCore",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        .testTarget(
            name: "RunbookTests",
            dependencies: ["Runbooks", "EventBus"]
        ),
        .testTarget(
            name: "AutomationTests",
            dependencies: ["Automation", "Actions", "Runbooks", "Daemon", "Store", "EventBus", "SchedulerCore", "SchedulerTesting",
                           "ChangeCalendar", "SchedulerMetrics", "Parameters",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "APITests",
            dependencies: ["API", "Actions", "Daemon", "Store", "ChangeCalendar", "EventBus", "SchedulerTesting", "SchedulerMetrics", "SchedulerCore",
                           "Parameters",
                           "Automation",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "ActionsTests",
            dependencies: ["Actions", "Daemon", "Store", "EventBus", "SchedulerTesting", "SchedulerCore",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .testTarget(
            name: "EventBusTests",
            dependencies: ["EventBus", "SchedulerTesting"]
        ),
        .testTarget(
            name: "ChangeCalendarTests",
            dependencies: ["ChangeCalendar", "CLibical", "SchedulerTesting"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
