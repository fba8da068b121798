// EventBus benchmark (being written).
