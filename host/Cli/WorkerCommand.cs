using System.CommandLine;
using AlphaHost.Host.Workers;

namespace AlphaHost.Host.Cli;

/// <summary><c>alphahost worker</c> (hidden): serves one instance of one family of one plugin folder for the daemon that started it.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var plugin = new Option<string>("--plugin") { Required = true, Description = "The plugin folder" };
        var family = new Option<string>("--family") { Required = true, Description = "The family to serve" };
        var instance = new Option<string?>("--instance") { Description = "The configured instance it serves (default: the family's own)" };
        var memory = CommonOptions.Whole<int>("--memory-mb", "The family's memory budget");
        var command = new Command("worker", "Serve one family to the daemon over standard input and output (started by the daemon)") { plugin, family, instance, memory };
        command.Hidden = true;
        // The worker process's one clock, as the daemon's is made in RunCommand.
        command.SetAction(result => WorkerServer.Run(result.GetValue(plugin)!, result.GetValue(family)!, result.GetValue(instance) ?? result.GetValue(family)!, result.GetValue(memory),
            TimeProvider.System));
        return command;
    }
}
