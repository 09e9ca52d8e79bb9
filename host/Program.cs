using System.CommandLine;
using AlphaHost.Host.Cli;

var root = new RootCommand("AlphaHost: a plugin host for alpha families")
{
    RunCommand.Create(),
    PluginsCommand.Create(),
    ConfigCommand.Create(),
    TrainCommand.Create(),
    AuditCommand.Create(),
    ModelsCommand.Create(),
    ContractCommand.Create(),
    FeaturesCommand.Create(),
    MlCommand.Create(),
    BacktestCommand.Create(),
    BurnInReportCommand.Create(),
    DashboardCommand.Create(),
    EvaluateCommand.Create(),
    DriftCalibrateCommand.Create(),
    WorkerCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    return ParseErrors.Report(parsed, Console.Error);
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
