import CLibical

/// A date or date-time value as written in the ICS text, before any zone is applied.
struct ICSTime {
    enum Frame: Equatable {
        case utc
        case floating
        case zoned(tzid: String)
    }

    var local: LocalDateTime
    var isDate: Bool
    var frame: Frame
}

/// A `DURATION` value: weeks and days are nominal (wall clock), the rest exact (RFC 5545 §3.3.6).
struct ICSDuration {
    var nominalDays: Int64
    var exactSeconds: Int64
    var isNegative: Bool
}

/// One RDATE value: a start (date or date-time) or a PERIOD.
struct ICSRecurrenceDate {
    var start: ICSTime
    var end: ICSTime?
    var duration: ICSDuration?
}

/// The parts of one VEVENT that matter for a change calendar, copied out of libical into
/// Swift values (and the recurrence rules as libical structs, to feed its iterator later).
struct EventRecord {
    var documentIndex: Int
    var beginLine: Int
    var propertyLines: [String: Int]
    var uid: String
    var summary: String
    var sequence: Int
    var isCancelled: Bool
    var isAdvisory: Bool
    var start: ICSTime
    var end: ICSTime?
    var duration: ICSDuration?
    var recurrenceRules: [icalrecurrencetype]
    var exclusionRules: [icalrecurrencetype]
    var recurrenceDates: [ICSRecurrenceDate]
    var exceptionDates: [ICSTime]
    var recurrenceID: ICSTime?
    var thisAndFuture: Bool

    func line(of property: String) -> Int { propertyLines[property] ?? beginLine }

    var displayName: String {
        let name = summary.isEmpty ? "VEVENT" : "VEVENT '\(summary.prefix(60))'"
        return uid.isEmpty ? name : "\(name) (UID \(uid.prefix(80)))"
    }
}

extension EventRecord {
    /// Reads one VEVENT. Call inside `Libical.serialized`.
    init(component comp: OpaquePointer, index: Int, outline: ICSOutline.Event?) throws(CalendarError) {
        documentIndex = index
        beginLine = outline?.beginLine ?? 0
        propertyLines = outline?.propertyLines ?? [:]
        uid = Libical.string(icalcomponent_get_uid(comp)) ?? ""
        summary = Libical.string(icalcomponent_get_summary(comp)) ?? ""
        sequence = icalcomponent_get_first_property(comp, ICAL_SEQUENCE_PROPERTY) == nil ? -1 : Int(icalcomponent_get_sequence(comp))
        isCancelled = icalcomponent_get_status(comp) == ICAL_STATUS_CANCELLED
        isAdvisory = false
        recurrenceRules = []
        exclusionRules = []
        recurrenceDates = []
        exceptionDates = []
        thisAndFuture = false
        start = ICSTime(local: LocalDateTime(seconds: 0), isDate: false, frame: .utc)

        try Self.checkParseErrors(comp, lines: propertyLines, beginLine: beginLine)

        var x = icalcomponent_get_first_property(comp, ICAL_X_PROPERTY)
        while let p = x {
            if Libical.string(icalproperty_get_x_name(p))?.uppercased() == "X-EVENT-TYPE",
               let value = Libical.string(icalproperty_get_x(p)), value.trimmed.uppercased() != "STANDARD" {
                isAdvisory = true
            }
            x = icalcomponent_get_next_property(comp, ICAL_X_PROPERTY)
        }

        guard let dtstart = icalcomponent_get_first_property(comp, ICAL_DTSTART_PROPERTY) else {
            let name = summary.isEmpty ? "VEVENT" : "VEVENT '\(summary.prefix(60))'"
            throw CalendarError(code: .missingStart, line: beginLine,
                                message: "\(name) has no DTSTART: every event needs a start")
        }
        start = try Self.time(icalproperty_get_dtstart(dtstart), property: dtstart, name: "DTSTART", line: line(of: "DTSTART"))
        if let p = icalcomponent_get_first_property(comp, ICAL_DTEND_PROPERTY) {
            end = try Self.time(icalproperty_get_dtend(p), property: p, name: "DTEND", line: line(of: "DTEND"))
        }
        if let p = icalcomponent_get_first_property(comp, ICAL_DURATION_PROPERTY) {
            duration = Self.duration(icalproperty_get_duration(p))
        }
        if let p = icalcomponent_get_first_property(comp, ICAL_RECURRENCEID_PROPERTY) {
            recurrenceID = try Self.time(icalproperty_get_recurrenceid(p), property: p, name: "RECURRENCE-ID",
                                         line: line(of: "RECURRENCE-ID"))
            if let range = icalproperty_get_first_parameter(p, ICAL_RANGE_PARAMETER) {
                thisAndFuture = icalparameter_get_range(range) == ICAL_RANGE_THISANDFUTURE
            }
        }
        recurrenceRules = try Self.rules(comp, kind: ICAL_RRULE_PROPERTY, name: "RRULE", line: line(of: "RRULE"))
        exclusionRules = try Self.rules(comp, kind: ICAL_EXRULE_PROPERTY, name: "EXRULE", line: line(of: "EXRULE"))

        var rdate = icalcomponent_get_first_property(comp, ICAL_RDATE_PROPERTY)
        while let p = rdate {
            let value = icalproperty_get_rdate(p)
            let line = line(of: "RDATE")
            if icaltime_is_null_time(value.period.start) == 0 {
                let periodStart = try Self.time(value.period.start, property: p, name: "RDATE", line: line)
                var periodEnd: ICSTime?
                if icaltime_is_null_time(value.period.end) == 0 {
                    periodEnd = try Self.time(value.period.end, property: p, name: "RDATE", line: line)
                }
                recurrenceDates.append(ICSRecurrenceDate(start: periodStart, end: periodEnd,
                                                         duration: periodEnd == nil ? Self.duration(value.period.duration) : nil))
            } else {
                recurrenceDates.append(ICSRecurrenceDate(start: try Self.time(value.time, property: p, name: "RDATE", line: line)))
            }
            rdate = icalcomponent_get_next_property(comp, ICAL_RDATE_PROPERTY)
        }
        var exdate = icalcomponent_get_first_property(comp, ICAL_EXDATE_PROPERTY)
        while let p = exdate {
            exceptionDates.append(try Self.time(icalproperty_get_exdate(p), property: p, name: "EXDATE", line: line(of: "EXDATE")))
            exdate = icalcomponent_get_next_property(comp, ICAL_EXDATE_PROPERTY)
        }
    }

    /// libical replaces a property it cannot read with an X-LIC-ERROR. For the properties
    /// that decide when an event happens that is fatal; for anything else (Google's empty
    /// `DESCRIPTION:` lines, say) it is noise.
    private static func checkParseErrors(_ comp: OpaquePointer, lines: [String: Int], beginLine: Int) throws(CalendarError) {
        var e = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY)
        while let p = e {
            defer { e = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY) }
            guard let text = Libical.string(icalproperty_get_xlicerror(p)),
                  let property = affectedProperty(text), ICSOutline.timingProperties.contains(property) else { continue }
            let reason = text.components(separatedBy: ". Removing").first ?? text
            let raw = text.components(separatedBy: "Removing entire property:").dropFirst().first?.trimmed ?? ""
            let code: CalendarError.Code = property.hasSuffix("RULE") ? .invalidRecurrenceRule : .invalidDate
            var message = "cannot read \(property): \(reason)"
            if !raw.isEmpty { message += " ('\(raw.prefix(80))')" }
            throw CalendarError(code: code, line: lines[property] ?? beginLine, message: message)
        }
    }

    /// "Can't parse as DATE-TIME value in DTSTART property. Removing …" → "DTSTART".
    static func affectedProperty(_ message: String) -> String? {
        guard let range = message.range(of: " property", options: .backwards,
                                         range: message.startIndex..<(message.range(of: "Removing")?.lowerBound ?? message.endIndex)),
              let inRange = message.range(of: " in ", options: .backwards, range: message.startIndex..<range.lowerBound)
        else { return nil }
        return String(message[inRange.upperBound..<range.lowerBound]).uppercased()
    }

    private static func time(_ tt: icaltimetype, property: OpaquePointer, name: String, line: Int) throws(CalendarError) -> ICSTime {
        guard icaltime_is_null_time(tt) == 0, icaltime_is_valid_time(tt) != 0,
              (1...9999).contains(tt.year), (1...12).contains(tt.month),
              tt.day >= 1, tt.day <= icaltime_days_in_month(tt.month, tt.year) else {
            throw CalendarError(code: .invalidDate, line: line, message: "cannot read \(name): not a valid date or date-time")
        }
        let local = LocalDateTime(tt)
        if icaltime_is_utc(tt) != 0 { return ICSTime(local: local, isDate: false, frame: .utc) }
        if tt.is_date == 0, let param = icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER),
           let tzid = Libical.string(icalparameter_get_tzid(param)), !tzid.isEmpty {
            return ICSTime(local: local, isDate: false, frame: .zoned(tzid: tzid))
        }
        return ICSTime(local: local, isDate: tt.is_date != 0, frame: .floating)
    }

    private static func duration(_ d: icaldurationtype) -> ICSDuration {
        ICSDuration(nominalDays: Int64(d.weeks) * 7 + Int64(d.days),
                    exactSeconds: Int64(d.hours) * 3600 + Int64(d.minutes) * 60 + Int64(d.seconds),
                    isNegative: d.is_neg != 0)
    }

    private static func rules(_ comp: OpaquePointer, kind: icalproperty_kind, name: String, line: Int) throws(CalendarError) -> [icalrecurrencetype] {
        var result: [icalrecurrencetype] = []
        var prop = icalcomponent_get_first_property(comp, kind)
        while let p = prop {
            var rule = kind == ICAL_RRULE_PROPERTY ? icalproperty_get_rrule(p) : icalproperty_get_exrule(p)
            guard rule.freq != ICAL_NO_RECURRENCE else {
                throw CalendarError(code: .invalidRecurrenceRule, line: line, message: "cannot read \(name): FREQ is missing or unknown")
            }
            guard rule.count >= 0 else {
                throw CalendarError(code: .invalidRecurrenceRule, line: line, message: "cannot read \(name): COUNT must not be negative")
            }
            guard rule.rscale == nil else {
                throw CalendarError(code: .invalidRecurrenceRule, line: line, message: "\(name) with RSCALE (non-Gregorian calendars) is not supported")
            }
            rule.rscale = nil
            result.append(rule)
            prop = icalcomponent_get_next_property(comp, kind)
        }
        return result
    }
}
