import EventBus

/// The `source` and `detail-type` values a set of event patterns can match, read from the
/// plain lists at their top (`"source": ["aws.ec2"]`): an event whose pair no pattern lists
/// cannot match any of them. A pattern that does not list one of the two exactly (no key, a
/// `prefix`, an `anything-but`) accepts any value of it; a `$or` beside them only narrows.
struct EnvelopePrefilter {
    /// A pattern accepts every event: no filtering at all.
    private var everything = false
    /// `source` + NUL + `detail-type` pairs of patterns that list both.
    private var pairs: Set<String> = []
    /// Sources of patterns that list sources only; detail types of those that list types only.
    private var sources: Set<String> = []
    private var detailTypes: Set<String> = []

    init(_ patterns: [EventPattern]) {
        for pattern in patterns {
            let top = (try? JSONValue(json: pattern.json))?.objectValue
            switch (Self.listed(top?["source"]), Self.listed(top?["detail-type"])) {
            case (nil, nil): everything = true
            case (let listedSources?, nil): sources.formUnion(listedSources)
            case (nil, let listedTypes?): detailTypes.formUnion(listedTypes)
            case (let listedSources?, let listedTypes?):
                for source in listedSources { for type in listedTypes { pairs.insert(source + "\u{0}" + type) } }
            }
        }
    }

    /// The strings of a list of plain strings; nil for anything else.
    private static func listed(_ value: JSONValue?) -> [String]? {
        guard let list = value?.arrayValue else { return nil }
        let strings = list.compactMap(\.stringValue)
        return strings.count == list.count ? strings : nil
    }

    func mayMatch(source: String, detailType: String) -> Bool {
        everything || sources.contains(source) || detailTypes.contains(detailType) || pairs.contains(source + "\u{0}" + detailType)
    }
}
