import CLibical

/// Folds VEVENT records into `Series`: picks the newest master of each UID, attaches its
/// RECURRENCE-ID overrides, resolves every time against its zone, and checks what a person
/// must fix (unknown zones, ends before starts). Call inside `Libical.serialized`.
struct SeriesCompiler {
    var resolver: ZoneResolver
    /// The zone of floating times and all-day dates: X-WR-TIMEZONE, else the caller's default.
    let floatingZone: Zone

    mutating func compile(_ records: [EventRecord]) throws(CalendarError) -> [Series] {
        var masters: [String: EventRecord] = [:]
        var masterOrder: [String] = []
        var overrides: [String: [EventRecord]] = [:]
        for record in records {
            let key = record.uid.isEmpty ? "#\(record.documentIndex)" : record.uid
            if record.recurrenceID != nil {
                overrides[key, default: []].append(record)
            } else if let existing = masters[key] {
                // A series published again: the highest SEQUENCE wins; on a tie the first stays
                // (as recurring-ical-events decides; a missing SEQUENCE ranks below 0).
                if record.sequence > existing.sequence { masters[key] = record }
            } else {
                masters[key] = record
                masterOrder.append(key)
            }
        }

        var result: [Series] = []
        for key in masterOrder {
            guard let master = masters[key] else { continue }
            let series = try compile(master: master, overrides: Self.newestPerRecurrenceID(overrides[key] ?? []))
            if !master.isCancelled, !master.isAdvisory { result.append(series) }
        }
        // Overrides whose master is missing stand alone as single events.
        for (key, orphans) in overrides.sorted(by: { $0.key < $1.key }) where masters[key] == nil {
            for orphan in Self.newestPerRecurrenceID(orphans) {
                var single = orphan
                single.recurrenceID = nil
                single.thisAndFuture = false
                single.recurrenceRules = []
                single.recurrenceDates = []
                let series = try compile(master: single, overrides: [])
                if !orphan.isCancelled, !orphan.isAdvisory { result.append(series) }
            }
        }
        return result
    }

    private static func newestPerRecurrenceID(_ records: [EventRecord]) -> [EventRecord] {
        var byID: [String: EventRecord] = [:]
        var order: [String] = []
        for record in records {
            guard let id = record.recurrenceID else { continue }
            let key = "\(id.local.seconds)|\(id.isDate)|\(id.frame)"
            if let existing = byID[key] {
                if record.sequence > existing.sequence { byID[key] = record }
            } else {
                byID[key] = record
                order.append(key)
            }
        }
        return order.compactMap { byID[$0] }
    }

    // MARK: - One series

    private mutating func compile(master: EventRecord, overrides: [EventRecord]) throws(CalendarError) -> Series {
        let (zone, startLocal) = try place(master.start, fallback: floatingZone, in: master, property: "DTSTART")
        let isAllDay = master.start.isDate
        let length = try instanceLength(of: master, zone: zone, start: startLocal)
        let startInstant = zone.instant(of: startLocal)
        let dtstart = startLocal.icalTime(zone: isAllDay ? nil : zone.pointer)

        var series = Series(
            uid: master.uid, summary: master.summary, zone: zone, isAllDay: isAllDay, start: startLocal,
            startIsInstance: true, length: length,
            rules: master.recurrenceRules.map { RecurrenceRule($0, dtstart: dtstart, zone: isAllDay ? nil : zone) },
            exclusionRules: master.exclusionRules.map { RecurrenceRule($0, dtstart: dtstart, zone: isAllDay ? nil : zone) },
            extraStarts: [], excludedInstants: [], excludedDays: [], futureChanges: [], overrideWindows: [],
            firstStart: startInstant, lastEnd: nil, lookBack: length.upperBound, maxShift: 0)

        for rdate in master.recurrenceDates {
            let (rdateZone, rdateLocal) = try place(rdate.start, fallback: zone, in: master, property: "RDATE")
            let local = (isAllDay || rdate.start.isDate) ? rdateLocal.midnight : zone.local(of: rdateZone.instant(of: rdateLocal))
            var end: Int64?
            if let periodEnd = rdate.end {
                let (endZone, endLocal) = try place(periodEnd, fallback: zone, in: master, property: "RDATE")
                end = endZone.instant(of: endLocal)
            } else if let duration = rdate.duration {
                end = InstanceLength(nominalDays: duration.nominalDays, exactSeconds: duration.exactSeconds).end(start: local, zone: zone)
            }
            if let end { series.lookBack = max(series.lookBack, end - zone.instant(of: local) + 3600) }
            series.extraStarts.append(.init(local: local, end: end))
            series.firstStart = min(series.firstStart, zone.instant(of: local))
        }
        for exdate in master.exceptionDates {
            if exdate.isDate || isAllDay {
                series.excludedDays.insert(exdate.local.dayNumber)
            } else {
                let (exZone, exLocal) = try place(exdate, fallback: zone, in: master, property: "EXDATE")
                series.excludedInstants.insert(exZone.instant(of: exLocal))
            }
        }

        if !master.recurrenceRules.isEmpty, master.recurrenceDates.isEmpty,
           master.recurrenceRules.allSatisfy({ rule in
               guard rule.count == 0, icaltime_is_null_time(rule.until) == 0 else { return false }
               let until = LocalDateTime(rule.until)
               let untilInstant = icaltime_is_utc(rule.until) != 0 ? until.seconds
                   : zone.instant(of: rule.until.is_date != 0 ? until.adding(days: 1, seconds: -1) : until)
               return untilInstant < startInstant
           }) {
            series.startIsInstance = false
        }

        var overrideEnds: [Int64] = []
        for override in overrides {
            guard let id = override.recurrenceID else { continue }
            let idInstant: Int64
            if isAllDay || id.isDate {
                // An override of an instance the master excludes is gone with it.
                if series.excludedDays.contains(id.local.dayNumber) { continue }
                series.excludedDays.insert(id.local.dayNumber)
                idInstant = zone.instant(of: id.local.midnight)
            } else {
                let (idZone, idLocal) = try place(id, fallback: zone, in: override, property: "RECURRENCE-ID")
                idInstant = idZone.instant(of: idLocal)
                if series.excludedInstants.contains(idInstant) || series.excludedDays.contains(zone.local(of: idInstant).dayNumber) { continue }
                series.excludedInstants.insert(idInstant)
            }
            let window = try singleWindow(of: override, inheriting: length, masterZone: zone)
            let isInert = override.isCancelled || override.isAdvisory
            if !isInert, window.end > window.start {
                series.overrideWindows.append(window)
                series.firstStart = min(series.firstStart, window.start)
                overrideEnds.append(window.end)
            }
            if override.thisAndFuture {
                let change = Series.FutureChange(after: idInstant, shift: window.start - idInstant,
                                                 length: window.end - window.start, isCancelled: isInert)
                series.futureChanges.append(change)
                series.maxShift = max(series.maxShift, abs(change.shift))
                series.lookBack = max(series.lookBack, change.length + 3600)
            }
        }
        series.futureChanges.sort { $0.after < $1.after }
        series.lastEnd = lastEnd(of: series, master: master, overrideEnds: overrideEnds)
        return series
    }

    /// The latest instant any instance can end, or nil when the series never ends.
    private func lastEnd(of series: Series, master: EventRecord, overrideEnds: [Int64]) -> Int64? {
        var latest = series.zone.instant(of: series.start) + series.lookBack
        for extra in series.extraStarts {
            latest = max(latest, extra.end ?? (series.zone.instant(of: extra.local) + series.lookBack))
        }
        for end in overrideEnds { latest = max(latest, end) }
        for rule in master.recurrenceRules {
            if rule.count > 0 {
                continue   // bounded; its instances are checked below
            } else if icaltime_is_null_time(rule.until) == 0 {
                let until = LocalDateTime(rule.until)
                let untilInstant = icaltime_is_utc(rule.until) != 0 ? until.seconds : series.zone.instant(of: until)
                latest = max(latest, untilInstant + 86_400 + series.lookBack + series.maxShift)
            } else {
                return nil
            }
        }
        let countedEnd = series.rules.compactMap(\.lastCountedStart).map { series.zone.instant(of: $0) }.max()
        if let countedEnd { latest = max(latest, countedEnd + series.lookBack + series.maxShift) }
        return latest
    }

    /// The window of a VEVENT taken on its own (an override), inheriting the master's length
    /// when it names neither DTEND nor DURATION.
    private mutating func singleWindow(of record: EventRecord, inheriting masterLength: InstanceLength,
                                       masterZone: Zone) throws(CalendarError) -> (start: Int64, end: Int64) {
        let (zone, local) = try place(record.start, fallback: record.start.isDate ? floatingZone : masterZone,
                                      in: record, property: "DTSTART")
        let length = record.end == nil && record.duration == nil
            ? masterLength
            : try instanceLength(of: record, zone: zone, start: local)
        return (zone.instant(of: local), length.end(start: local, zone: zone))
    }

    private mutating func instanceLength(of record: EventRecord, zone: Zone, start: LocalDateTime) throws(CalendarError) -> InstanceLength {
        if let end = record.end {
            if record.start.isDate {
                let days = end.local.dayNumber - start.dayNumber
                guard days >= 0 else { throw endBeforeStart(record, property: "DTEND") }
                return InstanceLength(nominalDays: days)
            }
            let (endZone, endLocal) = try place(end, fallback: end.isDate ? zone : floatingZone, in: record, property: "DTEND")
            let endInstant = end.isDate ? zone.instant(of: endLocal.midnight) : endZone.instant(of: endLocal)
            guard endInstant >= zone.instant(of: start) else { throw endBeforeStart(record, property: "DTEND") }
            // Length in the start's own wall clock, so recurring instances keep local end times.
            let endInStartZone = endZone === zone || end.isDate ? endLocal : zone.local(of: endInstant)
            return InstanceLength(wallSeconds: endInStartZone.seconds - start.seconds)
        }
        if let duration = record.duration {
            guard !duration.isNegative else { throw endBeforeStart(record, property: "DURATION") }
            return InstanceLength(nominalDays: duration.nominalDays, exactSeconds: duration.exactSeconds)
        }
        return InstanceLength(nominalDays: record.start.isDate ? 1 : 0)
    }

    private func endBeforeStart(_ record: EventRecord, property: String) -> CalendarError {
        CalendarError(code: .endBeforeStart, line: record.line(of: property),
                      message: "\(record.displayName) ends before it starts: \(property) is earlier than DTSTART")
    }

    /// The zone and wall-clock value of a time as written. All-day dates and floating
    /// times take `fallback`.
    private mutating func place(_ time: ICSTime, fallback: Zone, in record: EventRecord,
                                property: String) throws(CalendarError) -> (Zone, LocalDateTime) {
        switch time.frame {
        case .utc:
            return (.utc, time.local)
        case .floating:
            return (fallback, time.isDate ? time.local.midnight : time.local)
        case .zoned(let tzid):
            guard let zone = resolver.resolve(tzid) else {
                throw CalendarError(code: .unknownTimeZone, line: record.line(of: property),
                                    message: "unknown time zone '\(tzid)' in \(property) of \(record.displayName): "
                                        + "use an IANA name such as Europe/Berlin, a Windows zone name, or add a VTIMEZONE with this TZID")
            }
            return (zone, time.local)
        }
    }
}
