/// `MatcherProgram`'s tables frozen for matching (see `FrozenBuffer`), with the
/// evaluation of matchers against an event's `Leaf` values.
struct FrozenProgram: Sendable {
    let bytes: FrozenBuffer<UInt8>
    let spans: FrozenBuffer<Span>
    let numbers: FrozenBuffer<MatcherProgram.Number>
    let ranges: FrozenBuffer<NumericRange>
    let networks: FrozenBuffer<IPRange>
    let wildcards: FrozenBuffer<Span>
    let matchers: FrozenBuffer<MatcherProgram.Matcher>
    let fields: FrozenBuffer<MatcherProgram.Field>
    let objects: FrozenBuffer<MatcherProgram.Object>
    let groups: FrozenBuffer<MatcherProgram.Group>
    let objectLists: FrozenBuffer<Int32>

    init(_ program: MatcherProgram) {
        bytes = FrozenBuffer(program.bytes)
        spans = FrozenBuffer(program.spans)
        numbers = FrozenBuffer(program.numbers)
        ranges = FrozenBuffer(program.ranges)
        networks = FrozenBuffer(program.networks)
        wildcards = FrozenBuffer(program.wildcards)
        matchers = FrozenBuffer(program.matchers)
        fields = FrozenBuffer(program.fields)
        objects = FrozenBuffer(program.objects)
        groups = FrozenBuffer(program.groups)
        objectLists = FrozenBuffer(program.objectLists)
    }

    func free() {
        bytes.free(); spans.free(); numbers.free(); ranges.free(); networks.free(); wildcards.free()
        matchers.free(); fields.free(); objects.free(); groups.free(); objectLists.free()
    }

    @inline(__always)
    func text(_ span: Span) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes.pointer[Int(span.start)..<Int(span.end)])
    }

    /// Whether a field's leaves (`leaves` within `all`) satisfy any of its matchers.
    @inline(__always)
    func fieldMatches(_ field: MatcherProgram.Field, leaves span: Span, all leaves: UnsafeBufferPointer<Leaf>,
                      eventBytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = field.matchers.start
        while index < field.matchers.end {
            let matcher = matchers[index]
            switch matcher.kind {
            case .existsTrue:
                if span.count > 0 { return true }
            case .existsFalse:
                if span.count == 0 { return true }
            default:
                var leafIndex = Int(span.start)
                while leafIndex < Int(span.end) {
                    if matches(matcher, leaves[leafIndex], eventBytes) { return true }
                    leafIndex += 1
                }
            }
            index += 1
        }
        return false
    }

    @inline(__always)
    private func stringOf(_ leaf: Leaf, _ eventBytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: eventBytes[Int(leaf.bytes.start)..<Int(leaf.bytes.end)])
    }

    func matches(_ matcher: MatcherProgram.Matcher, _ leaf: Leaf, _ eventBytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch matcher.kind {
        case .exactString:
            return leaf.kind == .string && bytesEqual(stringOf(leaf, eventBytes), text(matcher.span))
        case .exactNumber:
            return leaf.kind == .number && numberEquals(leaf, numbers[matcher.index])
        case .exactTrue: return leaf.kind == .trueValue
        case .exactFalse: return leaf.kind == .falseValue
        case .exactNull: return leaf.kind == .null
        case .prefix:
            return leaf.kind == .string && hasPrefix(stringOf(leaf, eventBytes), text(matcher.span))
        case .suffix:
            return leaf.kind == .string && hasSuffix(stringOf(leaf, eventBytes), text(matcher.span))
        case .equalsFolded, .prefixFolded, .suffixFolded:
            return leaf.kind == .string && foldedMatch(matcher.kind, stringOf(leaf, eventBytes), text(matcher.span))
        case .wildcard:
            return leaf.kind == .string && wildcardMatches(wildcards[matcher.span.start], stringOf(leaf, eventBytes))
        case .numeric:
            return leaf.kind == .number && leaf.comparable && ranges[matcher.index].contains(leaf.quantized)
        case .cidr:
            guard leaf.kind == .string, let address = IPAddress.parse(stringOf(leaf, eventBytes)) else { return false }
            return networks[matcher.index].contains(address)
        case .existsTrue, .existsFalse:
            return false
        case .notNumbers:
            guard leaf.kind == .number else { return true }
            for index in matcher.span.start..<matcher.span.end where numberEquals(leaf, numbers[index]) { return false }
            return true
        case .notStrings, .notPrefixes, .notSuffixes, .notFolded:
            guard leaf.kind == .string else { return true }
            let value = stringOf(leaf, eventBytes)
            for index in matcher.span.start..<matcher.span.end {
                let excluded = text(spans[index])
                let hit: Bool
                switch matcher.kind {
                case .notStrings: hit = bytesEqual(value, excluded)
                case .notPrefixes: hit = hasPrefix(value, excluded)
                case .notSuffixes: hit = hasSuffix(value, excluded)
                default: hit = foldedMatch(.equalsFolded, value, excluded)
                }
                if hit { return false }
            }
            return true
        case .notWildcards:
            guard leaf.kind == .string else { return true }
            let value = stringOf(leaf, eventBytes)
            for index in matcher.span.start..<matcher.span.end where wildcardMatches(wildcards[index], value) { return false }
            return true
        }
    }

    @inline(__always)
    private func numberEquals(_ leaf: Leaf, _ number: MatcherProgram.Number) -> Bool {
        if leaf.comparable && number.comparable { return leaf.quantized == number.quantized }
        return leaf.number == number.value
    }

    @inline(__always)
    private func hasPrefix(_ value: UnsafeBufferPointer<UInt8>, _ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        guard prefix.count <= value.count else { return false }
        guard prefix.count > 0 else { return true }
        return memcmpBytes(value.baseAddress!, prefix.baseAddress!, prefix.count)
    }

    @inline(__always)
    private func hasSuffix(_ value: UnsafeBufferPointer<UInt8>, _ suffix: UnsafeBufferPointer<UInt8>) -> Bool {
        guard suffix.count <= value.count else { return false }
        guard suffix.count > 0 else { return true }
        return memcmpBytes(value.baseAddress! + (value.count - suffix.count), suffix.baseAddress!, suffix.count)
    }

    /// Case-insensitive equality, prefix or suffix test against an already folded
    /// pattern. ASCII is folded byte by byte; anything else folds the whole value.
    private func foldedMatch(_ kind: MatcherProgram.Kind, _ value: UnsafeBufferPointer<UInt8>,
                             _ folded: UnsafeBufferPointer<UInt8>) -> Bool {
        var ascii = true
        for byte in value where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii {
            guard folded.count <= value.count else { return false }
            switch kind {
            case .equalsFolded:
                return folded.count == value.count && asciiFoldedEqual(value, from: 0, folded) == true
            case .prefixFolded:
                return asciiFoldedEqual(value, from: 0, folded) == true
            default:
                return asciiFoldedEqual(value, from: value.count - folded.count, folded) == true
            }
        }
        let foldedValue = foldedCase(String(decoding: value, as: UTF8.self))
        return withUTF8Bytes(foldedValue) { candidate in
            switch kind {
            case .equalsFolded: return bytesEqual(candidate, folded)
            case .prefixFolded: return hasPrefix(candidate, folded)
            default: return hasSuffix(candidate, folded)
            }
        }
    }

    /// `WildcardPattern.matches` over the pattern's segments in `spans`.
    private func wildcardMatches(_ pattern: Span, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let first = text(spans[pattern.start])
        if pattern.count == 1 { return bytesEqual(value, first) }
        let last = text(spans[pattern.end - 1])
        guard value.count >= first.count + last.count, hasPrefix(value, first), hasSuffix(value, last) else { return false }
        var position = first.count
        let end = value.count - last.count
        var segment = pattern.start + 1
        while segment < pattern.end - 1 {
            let needle = text(spans[segment])
            guard let found = find(needle, in: value, from: position, to: end) else { return false }
            position = found + needle.count
            segment += 1
        }
        return true
    }

    private func find(_ needle: UnsafeBufferPointer<UInt8>, in value: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard needle.count <= end - start else { return nil }
        var index = start
        while index <= end - needle.count {
            if memcmpBytes(value.baseAddress! + index, needle.baseAddress!, needle.count) { return index }
            index += 1
        }
        return nil
    }
}
