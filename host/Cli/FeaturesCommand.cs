using System.CommandLine;
using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Internal;
using CsvHelper;

namespace AlphaHost.Host.Cli;

/// <summary><c>alphahost features --symbol S [--out F.csv]</c>: one symbol's feature matrix (date + one column per feature) as CSV.</summary>
internal static class FeaturesCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var symbol = new Option<string>("--symbol") { Description = "The symbol", Required = true };
        var output = new Option<string?>("--out") { Description = "CSV file to write (default: standard output)" };
        var data = CommonOptions.Data();
        var start = CommonOptions.Date("--start", "First date of the data (default: the data's first)");
        var end = CommonOptions.Date("--end", "Last date of the data (default: the data's last)");
        var family = CommonOptions.Family();
        var command = new Command("features", "Dump one symbol's computed feature matrix (date + one column per feature) as CSV") { symbol, output, data, start, end, config, family };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => RunAsync(result.GetValue(config), result.GetValue(symbol)!, result.GetValue(output),
            result.GetValue(data), result.GetValue(start), result.GetValue(end), result.GetValue(family), ct)));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, string symbol, string? output, string? data, string? start, string? end, string? familyName, CancellationToken cancellationToken)
    {
        var (from, to) = CommonOptions.Period(start, end);
        var config = CommonOptions.LoadConfigOrThrow(configPath);
        var asked = SymbolList.Parse(symbol);
        await using var session = await OfflineSession.OpenAsync(config, cancellationToken, capability: typeof(IFeatureSource)).ConfigureAwait(false);
        var (_, source) = session.Capable<IFeatureSource>(familyName, "compute features");

        // Only the files the family needs for this symbol are read (for the ML family: its sector's, and the benchmark).
        var history = OfflineSession.LoadHistory(config, data, from, to, universe => source.Inputs(universe, asked));
        var symbols = SymbolList.Resolve(symbol, all: false, history);
        var table = source.Compute(history, symbols)[symbols[0]];

        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            csv.WriteField("date");
            foreach (var column in table.Columns)
            {
                csv.WriteField(column);
            }

            csv.NextRecord();
            for (var r = 0; r < table.Rows.Count; r++)
            {
                csv.WriteField(table.Dates[r].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                foreach (var value in table.Rows[r])
                {
                    csv.WriteField(value.ToString("R", CultureInfo.InvariantCulture));
                }

                csv.NextRecord();
            }
        }

        if (output is null)
        {
            Console.Write(text.ToString());
        }
        else
        {
            AtomicFile.Write(Path.GetFullPath(output), System.Text.Encoding.UTF8.GetBytes(text.ToString()), durable: false);
            Console.Error.WriteLine($"{table.Rows.Count} rows x {table.Columns.Count} features of {table.Symbol} written to {Path.GetFullPath(output)}");
        }

        return ExitCodes.Success;
    }
}
