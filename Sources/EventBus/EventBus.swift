/// EventBridge-compatible event patterns and rule matching (being written).
public enum EventBus {}
