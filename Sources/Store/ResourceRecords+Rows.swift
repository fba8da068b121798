import GRDB

// Rows read by hand, as the automation records are (AutomationRecords+Rows.swift): every
// DescribeInstances decodes instances and their tags, and GRDB's Codable decoding of them cost
// more than the queries in the fleet benchmark. `ResourceRecordRowTests` reads every column back.

extension InstanceRecord {
    public init(row: Row) throws {
        self.init(id: row["id"], reservationId: row["reservationId"], imageId: row["imageId"], instanceType: row["instanceType"],
                  availabilityZone: row["availabilityZone"], privateIpAddress: row["privateIpAddress"], keyName: row["keyName"],
                  launchIndex: row["launchIndex"], launchTime: row["launchTime"], state: row["state"],
                  stateTransitionReason: row["stateTransitionReason"], stateReasonCode: row["stateReasonCode"],
                  stateReasonMessage: row["stateReasonMessage"], nextState: row["nextState"], nextStateAt: row["nextStateAt"],
                  transitionCause: row["transitionCause"], changedAt: row["changedAt"], origin: row["origin"],
                  configKey: row["configKey"], clientToken: row["clientToken"])
    }
}

extension ResourceTagRecord {
    public init(row: Row) throws {
        self.init(resourceType: row["resourceType"], resourceId: row["resourceId"], key: row["key"], value: row["value"],
                  position: row["position"])
    }
}
