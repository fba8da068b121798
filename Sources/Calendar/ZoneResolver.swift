import CLibical
import Foundation

/// Turns TZID strings into `Zone`s, and says so when it cannot.
///
/// libical resolves an unknown TZID to "floating" without a word, and then treats the time
/// as UTC; a change calendar that silently shifts by nine hours is worse than one that does
/// not load. So the order here is explicit:
/// 1. UTC spellings;
/// 2. an IANA name from the system zone database, preferred even over an embedded
///    VTIMEZONE of the same name, because generators often embed truncated zones
///    (a Europe/Berlin that starts in 2018 gets every earlier winter wrong);
/// 3. a VTIMEZONE in the file;
/// 4. a Windows zone name (what Outlook and Exchange write), mapped to IANA after CLDR;
/// 5. a vendor-prefixed IANA name (`/freeassociation.sourceforge.net/Europe/Berlin`,
///    `/citadel.org/20190914_1/Europe/Berlin`).
/// Anything else is `nil`, which callers turn into `CalendarError.unknownTimeZone`.
///
/// All methods must run inside `Libical.serialized`.
struct ZoneResolver {
    /// Embedded VTIMEZONE components by TZID, as found in the document (not owned).
    private var embeddedComponents: [String: OpaquePointer] = [:]
    private var resolved: [String: Zone] = [:]

    init(embeddedTimeZones: [String: OpaquePointer] = [:]) {
        for (tzid, component) in embeddedTimeZones {
            embeddedComponents[tzid] = component
            embeddedComponents[Self.clean(tzid)] = embeddedComponents[Self.clean(tzid)] ?? component
        }
    }

    mutating func resolve(_ tzid: String) -> Zone? {
        if let zone = resolved[tzid] { return zone }
        let zone = lookUp(tzid)
        if let zone { resolved[tzid] = zone }
        return zone
    }

    private func lookUp(_ raw: String) -> Zone? {
        let name = Self.clean(raw)
        if Self.utcNames.contains(name.uppercased()) { return .utc }
        if let zone = Self.systemZone(name) { return zone }
        if let component = embeddedComponents[raw] ?? embeddedComponents[name],
           let zone = Self.embeddedZone(name: name, component: component) {
            return zone
        }
        if let iana = WindowsZones.ianaByWindowsName[name], let zone = Self.systemZone(iana) {
            return zone
        }
        // Vendor prefixes: try the trailing "Area/City" (or "Area/Sub/City") components.
        let parts = name.split(separator: "/").map(String.init)
        if parts.count > 2 {
            for take in [3, 2] where parts.count > take {
                if let zone = Self.systemZone(parts.suffix(take).joined(separator: "/")) { return zone }
            }
        }
        return nil
    }

    /// Outlook writes `TZID:Pacific Standard Time:` (trailing colon); some tools quote names.
    static func clean(_ raw: String) -> String {
        var name = raw.trimmingCharacters(in: [" ", "\t", "\""])
        while name.hasSuffix(":") { name.removeLast() }
        return name.trimmingCharacters(in: [" ", "\t"])
    }

    private static let utcNames: Set<String> = ["UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT", "UNIVERSAL", "ZULU",
                                                 "COORDINATED UNIVERSAL TIME", "ETC/UCT", "UCT", "GMT+0", "GMT0"]

    /// A zone from the system zone database, or nil. Only names that look like zone ids are
    /// passed to libical, which turns them into file paths under /usr/share/zoneinfo.
    static func systemZone(_ name: String) -> Zone? {
        guard !name.isEmpty, name.count < 64, !name.contains(".."), !name.hasPrefix("/"),
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+-".contains($0)) })
        else { return nil }
        if let cached = SystemZoneCache.shared[name] { return cached }
        guard let pointer = name.withCString({ icaltimezone_get_builtin_timezone($0) }) else { return nil }
        let zone = Zone.builtin(name: name, pointer: pointer)
        SystemZoneCache.shared[name] = zone
        return zone
    }

    private static func embeddedZone(name: String, component: OpaquePointer) -> Zone? {
        guard let clone = icalcomponent_new_clone(component) else { return nil }
        guard let zone = icaltimezone_new() else {
            icalcomponent_free(clone)
            return nil
        }
        guard icaltimezone_set_component(zone, clone) != 0 else {
            icalcomponent_free(clone)
            icaltimezone_free(zone, 1)
            return nil
        }
        return Zone.owned(name: name, pointer: zone)
    }
}

/// Builtin zones are process-wide in libical and never freed, so their `Zone`s are cached
/// for the life of the process. `@unchecked Sendable`: only touched inside `Libical.serialized`.
final class SystemZoneCache: @unchecked Sendable {
    static let shared = SystemZoneCache()
    private var zones: [String: Zone] = [:]
    subscript(name: String) -> Zone? {
        get { zones[name] }
        set { zones[name] = newValue }
    }
}
