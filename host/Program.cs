using System.CommandLine;
using AlphaHost.Host.Cli;

var root = new RootCommand("AlphaHost: a plugin host for alpha families")
{
    RunCommand.Create(),
    PluginsCommand.Create(),
    TrainCommand.Create(),
    AuditCommand.Create(),
    ModelsCommand.Create(),
    ContractCommand.Create(),
    FeaturesCommand.Create(),
    MlCommand.Create(),
    BacktestCommand.Create(),
    WorkerCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    Console.Error.WriteLine("Run 'alphahost --help' for usage.");
    return ExitCodes.BadInput;
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
