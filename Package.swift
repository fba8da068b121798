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
                "ChangeCalendar",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "CalendarBenchmark",
            dependencies: ["ChangeCalendar", "CLibical"],
            path: "Benchmarks/CalendarBenchmark"
        ),
        .executableTarget(
            name: "EventBusBenchmark",
            dependencies: ["EventBus"],
            path: "Benchmarks/EventBusBenchmark"
        ),
        .testTarget(
            name: "SchedulerCoreTests",
            dependencies: ["SchedulerCore", "SchedulerTesting", "ChangeCalendar"]
        ),
        .testTarget(
            name: "EventBusTests",
            dependencies: ["EventBus"]
        ),
        .testTarget(
            name: "ChangeCalendarTests",
            dependencies: ["ChangeCalendar", "CLibical"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
