using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Observability;
using AlphaHost.Host.Internal;
using AlphaHost.Host.Market;
using Spectre.Console;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost audit (--symbols A,B | --all) --out FILE [--date D | --last N]</c>: computes the contract's features for
/// every symbol and checks that each row of the window has every feature. Writes the report (JSON, atomically) and exits
/// 1 when the pass rate is below <c>--min-pass-rate</c> (default 0.95).
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var symbols = new Option<string?>("--symbols") { Description = "Comma-separated symbols to audit" };
        var all = new Option<bool>("--all") { Description = "Audit every symbol of the data" };
        var output = new Option<string>("--out") { Description = "The report file (JSON)", Required = true };
        var date = CommonOptions.Date("--date", "Audit only the rows of this date");
        var last = CommonOptions.Whole<int>("--last", "Audit only the rows of the last N trading days");
        var minPassRate = CommonOptions.Number("--min-pass-rate", "Pass rate below which the audit fails (exit 1)", 0.95);
        var data = CommonOptions.Data();
        var family = CommonOptions.Family();
        var command = new Command("audit", "Check that every symbol produces contract-compliant features; exit 1 below the pass rate")
        {
            symbols, all, output, date, last, minPassRate, data, config, family,
        };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => RunAsync(new Request(result.GetValue(config), result.GetValue(symbols), result.GetValue(all),
            result.GetValue(output)!, result.GetValue(date), result.GetValue(last), result.GetValue(minPassRate), result.GetValue(data), result.GetValue(family)), ct)));
        return command;
    }

    private static async Task<int> RunAsync(Request request, CancellationToken cancellationToken)
    {
        if (request.Date is not null && request.Last is not null)
        {
            throw new UsageException("give --date or --last, not both");
        }

        if (request.Last is <= 0)
        {
            throw new UsageException($"--last must be a positive number of days, got {request.Last}");
        }

        if (request.MinPassRate is < 0 or > 1)
        {
            throw new UsageException($"--min-pass-rate must be between 0 and 1, got {request.MinPassRate}");
        }

        var (date, _) = CommonOptions.Period(request.Date, null);
        var config = CommonOptions.LoadConfigOrThrow(request.ConfigPath);
        var history = OfflineSession.LoadHistory(config, request.Data, null, date);
        var calendar = MarketHistoryLoader.Calendar(history.Symbols, DateOnly.MaxValue);
        if (date is { } asked && Array.BinarySearch(calendar, asked) < 0)
        {
            throw new UsageException(NotATradingDay(config, request.Data, history.Source, asked, calendar));
        }

        var symbols = SymbolList.Resolve(request.Symbols, request.All, history);
        await using var session = await OfflineSession.OpenAsync(config, cancellationToken, capability: typeof(IFeatureSource)).ConfigureAwait(false);
        var (name, source) = session.Capable<IFeatureSource>(request.Family, "compute features");

        var window = date is { } day ? new DatePeriod(day, day)
            : request.Last is { } n ? new DatePeriod(calendar[Math.Max(0, calendar.Length - n)], calendar[^1])
            : new DatePeriod(calendar[0], calendar[^1]);

        var tables = AnsiConsole.Status().Start($"computing features of {history.Symbols.Count} symbols with family {name}", _ => source.Compute(history, symbols));
        var results = new SortedDictionary<string, SymbolAudit>(StringComparer.Ordinal);
        AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn()).Start(context =>
        {
            var task = context.AddTask("audit", maxValue: symbols.Count);
            foreach (var symbol in symbols)
            {
                results[symbol] = Check(tables[symbol], window);
                task.Increment(1);
            }
        });

        var passed = results.Values.Count(r => r.Passed);
        var passRate = symbols.Count == 0 ? 0.0 : Math.Round((double)passed / symbols.Count, 6);
        var report = new
        {
            generated_at = session.Clock.GetUtcNow(),
            source = history.Source,
            family = name,
            window = new { kind = date is not null ? "date" : request.Last is not null ? "last" : "history", start = window.Start, end = window.End },
            total_symbols = symbols.Count,
            passed,
            failed = symbols.Count - passed,
            pass_rate = passRate,
            min_pass_rate = request.MinPassRate,
            missing_features_by_symbol = results.Where(r => !r.Value.Passed && r.Value.MissingFeatures.Count > 0).ToDictionary(r => r.Key, r => r.Value.MissingFeatures),
            symbols = results.ToDictionary(r => r.Key, r => new { passed = r.Value.Passed, rows_checked = r.Value.RowsChecked, reason = r.Value.Reason, missing_features = r.Value.MissingFeatures }),
        };
        var path = Path.GetFullPath(request.Output);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(report, CommonOptions.JsonOutput), durable: false);

        foreach (var (symbol, result) in results.Where(r => !r.Value.Passed))
        {
            Console.WriteLine($"FAIL {symbol}: {result.Reason}");
        }

        var verdict = passRate >= request.MinPassRate ? "PASS" : "FAIL";
        RecordInRuntime(config, new AuditRecord(session.Clock.GetUtcNow(), path, name, window.Start, window.End, symbols.Count, passed, passRate,
            request.MinPassRate, verdict));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{verdict}: {passed}/{symbols.Count} symbols passed (pass_rate {passRate:0.0000}, needs {request.MinPassRate:0.00}) over {window}; report {path}"));
        return verdict == "PASS" ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    /// <summary>
    /// The audit's line in the config's runtime folder (<c>logs/audits.jsonl</c>): the daemon's metrics and dashboard read
    /// the pass rates from there. The report is already written, so a failure here is a warning, not a failed audit.
    /// </summary>
    private static void RecordInRuntime(Configuration.AlphaHostConfig config, AuditRecord record)
    {
        var logs = Configuration.RuntimePaths.From(config).LogsDir;
        try
        {
            AuditJournal.Append(logs, record);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: the audit could not be recorded in {Path.Combine(logs, AuditJournal.FileName)} (the daemon's metrics and dashboard will not show it): {ex.Message}");
        }
    }

    /// <summary>
    /// A date without bars (a weekend, a holiday, a day outside the data) is a usage error naming the trading days on
    /// either side, not an audit in which every symbol fails.
    /// </summary>
    private static string NotATradingDay(Configuration.AlphaHostConfig config, string? data, string source, DateOnly asked, DateOnly[] calendar)
    {
        var before = calendar.LastOrDefault(d => d < asked);
        var after = OfflineSession.FirstTradingDayAfter(config, data, asked);
        var nearest = (before == default ? "none before" : $"{before:yyyy-MM-dd} before") + ", " + (after is { } next ? $"{next:yyyy-MM-dd} after" : "none after");
        return $"--date {asked:yyyy-MM-dd} is not a trading day of {source} (nearest: {nearest})";
    }

    /// <summary>A symbol passes when it has rows in the window past its warm-up and every feature of each is finite.</summary>
    private static SymbolAudit Check(FeatureTable table, DatePeriod window)
    {
        var inWindow = Enumerable.Range(0, table.Rows.Count).Where(r => table.Dates[r] >= window.Start && table.Dates[r] <= window.End).ToArray();
        if (inWindow.Length == 0)
        {
            return new SymbolAudit(false, 0, $"no bar in {window}", []);
        }

        var usable = inWindow.Where(r => r >= table.FirstUsableRow).ToArray();
        if (usable.Length == 0)
        {
            return new SymbolAudit(false, 0, $"insufficient history: {table.Rows.Count} bars, the features need {table.FirstUsableRow + 1}", table.Columns);
        }

        var missing = new Dictionary<string, (int Rows, DateOnly First)>(StringComparer.Ordinal);
        foreach (var r in usable)
        {
            var row = table.Rows[r];
            for (var c = 0; c < row.Length; c++)
            {
                if (!float.IsFinite(row[c]))
                {
                    var name = table.Columns[c];
                    missing[name] = missing.TryGetValue(name, out var seen) ? (seen.Rows + 1, seen.First) : (1, table.Dates[r]);
                }
            }
        }

        if (missing.Count == 0)
        {
            return new SymbolAudit(true, usable.Length, null, []);
        }

        var detail = string.Join(", ", missing.OrderByDescending(m => m.Value.Rows).Take(5).Select(m => $"{m.Key} on {m.Value.Rows} row(s) from {m.Value.First:yyyy-MM-dd}"));
        var notes = table.Notes.Count > 0 ? string.Join("; ", table.Notes) + "; " : "";
        return new SymbolAudit(false, usable.Length, $"{notes}non-finite values: {detail}", missing.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    private sealed record Request(string? ConfigPath, string? Symbols, bool All, string Output, string? Date, int? Last, double MinPassRate, string? Data, string? Family);

    private sealed record SymbolAudit(bool Passed, int RowsChecked, string? Reason, IReadOnlyList<string> MissingFeatures);
}
