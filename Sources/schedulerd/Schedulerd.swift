import ArgumentParser

@main
struct Schedulerd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedulerd",
        abstract: "A calendar-driven scheduler daemon modelled on AWS Systems Manager Change Calendar.",
        subcommands: [CalendarCommand.self, ServeCommand.self, EventsCommand.self, CredentialsCommand.self, ParametersCommand.self,
                      FleetCommand.self]
    )
}
