/// An error as EC2 or RDS reports it: AWS's code, its message and the HTTP status it comes
/// with. The API sends it as the service's XML error; the automation engine sees the same
/// codes a runbook on AWS would see (`IncorrectInstanceState`, `DBInstanceNotFound`, …).
///
/// Any other error a `ResourceProvider` throws is a fault of the provider (a database that
/// cannot be written, say), not an answer of the service.
public struct ResourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// AWS's error code, such as `InvalidInstanceID.NotFound`.
    public let code: String
    /// AWS's message text.
    public let message: String
    /// The HTTP status AWS answers with.
    public let status: Int

    public init(_ code: String, _ message: String, status: Int = 400) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// `CODE: message`.
    public var description: String { "\(code): \(message)" }

    /// Whether a client should retry (throttling and capacity errors are transient).
    public var isRetryable: Bool {
        ["RequestLimitExceeded", "Throttling", "InsufficientInstanceCapacity", "InsufficientDBInstanceCapacity"].contains(code)
    }
}

// MARK: - EC2

extension ResourceError {
    /// `InvalidInstanceID.NotFound`: "The instance ID 'i-…' does not exist", or for several
    /// "The instance IDs 'i-…, i-…' do not exist".
    public static func instanceNotFound(_ ids: [String]) -> ResourceError {
        if ids.count == 1 {
            return ResourceError("InvalidInstanceID.NotFound", "The instance ID '\(ids[0])' does not exist")
        }
        return ResourceError("InvalidInstanceID.NotFound", "The instance IDs '\(ids.joined(separator: ", "))' do not exist")
    }

    /// `InvalidInstanceID.Malformed`: `Invalid id: "…"`.
    public static func instanceIdMalformed(_ id: String) -> ResourceError {
        ResourceError("InvalidInstanceID.Malformed", "Invalid id: \"\(id)\"")
    }

    /// `IncorrectInstanceState`: "The instance 'i-…' is not in a state from which it can be
    /// started." (`verb` is `started`, `stopped` or `terminated`).
    public static func incorrectInstanceState(_ id: String, _ verb: String) -> ResourceError {
        ResourceError("IncorrectInstanceState", "The instance '\(id)' is not in a state from which it can be \(verb).")
    }

    /// `InsufficientInstanceCapacity` (a server error, HTTP 500), in EC2's words.
    public static func insufficientInstanceCapacity(type: String, zone: String, otherZones: [String]) -> ResourceError {
        ResourceError("InsufficientInstanceCapacity",
                      "We currently do not have sufficient \(type) capacity in the Availability Zone you requested (\(zone)). "
                      + "Our system will be working on provisioning additional capacity. You can currently get \(type) capacity "
                      + "by not specifying an Availability Zone in your request or choosing \(otherZones.joined(separator: ", ")).",
                      status: 500)
    }

    /// EC2's throttling error, `RequestLimitExceeded` (HTTP 503).
    public static let requestLimitExceeded = ResourceError("RequestLimitExceeded", "Request limit exceeded.", status: 503)

    /// `DryRunOperation` (HTTP 412): the caller may, but asked not to.
    public static let dryRunOperation = ResourceError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.",
                                                      status: 412)

    /// `InvalidID`: a resource id of a kind the simulator does not have.
    public static func invalidID(_ id: String) -> ResourceError {
        ResourceError("InvalidID", "The ID '\(id)' is not valid")
    }

    /// `InvalidPaginationToken`.
    public static func invalidPaginationToken(_ token: String) -> ResourceError {
        ResourceError("InvalidPaginationToken", "Invalid pagination token: \(token)")
    }
}

// MARK: - RDS

extension ResourceError {
    /// `DBInstanceNotFound` (HTTP 404): "DBInstance mydb not found."
    public static func dbInstanceNotFound(_ identifier: String) -> ResourceError {
        ResourceError("DBInstanceNotFound", "DBInstance \(identifier) not found.", status: 404)
    }

    /// `InvalidDBInstanceState`.
    public static func invalidDBInstanceState(_ message: String) -> ResourceError {
        ResourceError("InvalidDBInstanceState", message)
    }

    /// `DBInstanceAlreadyExists`.
    public static let dbInstanceAlreadyExists = ResourceError("DBInstanceAlreadyExists", "DB instance already exists")

    /// `InsufficientDBInstanceCapacity` (HTTP 400 in the RDS model).
    public static func insufficientDBInstanceCapacity(_ identifier: String, instanceClass: String, zone: String) -> ResourceError {
        ResourceError("InsufficientDBInstanceCapacity",
                      "Cannot start DB instance \(identifier): there is not sufficient \(instanceClass) capacity in \(zone) at the moment.")
    }

    /// RDS's throttling error, `Throttling` (HTTP 400).
    public static let throttling = ResourceError("Throttling", "Rate exceeded")
}

// MARK: - Both

extension ResourceError {
    /// `MissingParameter`: "The request must contain the parameter InstanceId".
    public static func missingParameter(_ name: String) -> ResourceError {
        ResourceError("MissingParameter", "The request must contain the parameter \(name)")
    }

    /// `InvalidParameterValue`.
    public static func invalidParameterValue(_ message: String) -> ResourceError {
        ResourceError("InvalidParameterValue", message)
    }

    /// `InvalidParameterCombination`.
    public static func invalidParameterCombination(_ message: String) -> ResourceError {
        ResourceError("InvalidParameterCombination", message)
    }
}
