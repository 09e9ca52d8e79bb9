using System.Diagnostics;
using System.Globalization;

namespace AlphaHost.Host.Workers;

/// <summary>The command line and environment of <c>alphahost worker</c> for one instance of one family.</summary>
internal static class WorkerStartInfo
{
    /// <summary>This same executable as a worker: its standard streams redirected, its GC heap limited to the family's memory budget.</summary>
    public static ProcessStartInfo Create(string pluginFolder, string family, string instance, int? memoryLimitMb)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var (executable, prefix) = SelfCommand();
        start.FileName = executable;
        foreach (var arg in prefix)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("worker");
        start.ArgumentList.Add("--plugin");
        start.ArgumentList.Add(pluginFolder);
        start.ArgumentList.Add("--family");
        start.ArgumentList.Add(family);
        start.ArgumentList.Add("--instance");
        start.ArgumentList.Add(instance);
        if (memoryLimitMb is { } limit)
        {
            start.ArgumentList.Add("--memory-mb");
            start.ArgumentList.Add(limit.ToString(CultureInfo.InvariantCulture));
            start.Environment["DOTNET_GCHeapHardLimit"] = ((long)limit << 20).ToString("X", CultureInfo.InvariantCulture);
            start.Environment.Remove("DOTNET_GCHeapHardLimitPercent");
        }

        // The gen0 budget defaults to the size of the CPU's cache, resident in every worker whatever its family allocates; a
        // family's garbage of a cycle is small next to it, and the history is no longer on a worker's heap (market image).
        // DOTNET_GCgen0size set for the daemon is passed on instead.
        if (!start.Environment.ContainsKey("DOTNET_GCgen0size"))
        {
            start.Environment["DOTNET_GCgen0size"] = "0x200000";
        }

        return start;
    }

    /// <summary>How to start this same executable: the apphost directly, or <c>dotnet alphahost.dll</c>.</summary>
    private static (string Executable, string[] Prefix) SelfCommand()
    {
        var processPath = Environment.ProcessPath ?? "dotnet";
        var entry = typeof(WorkerStartInfo).Assembly.Location;
        return Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? (processPath, [entry]) : (processPath, []);
    }
}
