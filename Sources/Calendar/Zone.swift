import CLibical

/// A resolved time zone: UTC, or a libical zone built from the system zone database or
/// from a `VTIMEZONE` inside the calendar.
///
/// `@unchecked Sendable`: the zone pointer is immutable after creation, and it and the offset
/// caches are only touched inside `Libical.serialized`, the lock that makes libical's zone
/// code safe.
final class Zone: @unchecked Sendable {
    /// The name the zone was resolved as (an IANA id, or the TZID of an embedded VTIMEZONE).
    let name: String
    let isUTC: Bool
    /// `icaltimezone *`; never NULL.
    let pointer: OpaquePointer
    private let ownsPointer: Bool
    /// UTC offsets by wall-clock minute and by UTC minute. A zone's offset changes only at
    /// transitions, which fall on whole minutes, so one lookup per minute is exact; it spares
    /// libical's conversion (a search of the zone's change list) for every instance.
    private var offsetByLocalMinute: [Int64: Int32] = [:]
    private var offsetByUTCMinute: [Int64: Int32] = [:]
    private static let cacheLimit = 200_000

    private init(name: String, pointer: OpaquePointer, isUTC: Bool, ownsPointer: Bool) {
        self.name = name
        self.pointer = pointer
        self.isUTC = isUTC
        self.ownsPointer = ownsPointer
    }

    deinit {
        if ownsPointer {
            let pointer = self.pointer
            Libical.serialized { icaltimezone_free(pointer, 1) }
        }
    }

    static let utc = Zone(name: "UTC", pointer: Libical.serialized { icaltimezone_get_utc_timezone() },
                          isUTC: true, ownsPointer: false)

    /// A zone from the system zone database (builtin zones live for the whole process).
    static func builtin(name: String, pointer: OpaquePointer) -> Zone {
        Zone(name: name, pointer: pointer, isUTC: false, ownsPointer: false)
    }

    /// A zone that owns an `icaltimezone` made from an embedded VTIMEZONE.
    static func owned(name: String, pointer: OpaquePointer) -> Zone {
        Zone(name: name, pointer: pointer, isUTC: false, ownsPointer: true)
    }

    /// The instant (seconds since the epoch) of a wall-clock time in this zone.
    /// Call inside `Libical.serialized`. A wall-clock time skipped by a DST change is read
    /// with the offset in force before the change, as libical (and RFC 5545 §3.3.5) does.
    func instant(of local: LocalDateTime) -> Int64 {
        if isUTC { return local.seconds }
        let minute = local.seconds.floorDiv(60)
        if let offset = offsetByLocalMinute[minute] { return local.seconds - Int64(offset) }
        let instant = convertToInstant(LocalDateTime(seconds: minute * 60))
        if offsetByLocalMinute.count >= Self.cacheLimit { offsetByLocalMinute.removeAll(keepingCapacity: true) }
        let offset = minute * 60 - instant
        offsetByLocalMinute[minute] = Int32(clamping: offset)
        return local.seconds - offset
    }

    private func convertToInstant(_ local: LocalDateTime) -> Int64 {
        let f = local.fields
        var tt = icaltimetype()
        tt.year = Int32(f.year); tt.month = Int32(f.month); tt.day = Int32(f.day)
        tt.hour = Int32(f.hour); tt.minute = Int32(f.minute); tt.second = Int32(f.second)
        return Int64(icaltime_as_timet_with_zone(tt, pointer))
    }

    /// The wall-clock time of an instant in this zone. Call inside `Libical.serialized`.
    func local(of instant: Int64) -> LocalDateTime {
        if isUTC { return LocalDateTime(seconds: instant) }
        let minute = instant.floorDiv(60)
        if let offset = offsetByUTCMinute[minute] { return LocalDateTime(seconds: instant + Int64(offset)) }
        let local = convertToLocal(minute * 60)
        if offsetByUTCMinute.count >= Self.cacheLimit { offsetByUTCMinute.removeAll(keepingCapacity: true) }
        let offset = local.seconds - minute * 60
        offsetByUTCMinute[minute] = Int32(clamping: offset)
        return LocalDateTime(seconds: instant + offset)
    }

    private func convertToLocal(_ instant: Int64) -> LocalDateTime {
        // libical 3.0.16 marks the result as UTC (issue #571); only its fields are used here.
        let tt = icaltime_from_timet_with_zone(time_t(instant), 0, pointer)
        return LocalDateTime(tt)
    }
}

extension LocalDateTime {
    init(_ tt: icaltimetype) {
        self.init(year: Int(tt.year), month: Int(tt.month), day: Int(tt.day),
                  hour: Int(tt.hour), minute: Int(tt.minute), second: Int(tt.second))
    }

    /// This value as a libical DATE-TIME in `zone` (NULL: floating).
    func icalTime(zone: OpaquePointer?) -> icaltimetype {
        let f = fields
        var tt = icaltimetype()
        tt.year = Int32(f.year); tt.month = Int32(f.month); tt.day = Int32(f.day)
        tt.hour = Int32(f.hour); tt.minute = Int32(f.minute); tt.second = Int32(f.second)
        tt.zone = zone
        return tt
    }
}
