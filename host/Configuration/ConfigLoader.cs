using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// Reads <c>golden_config.yaml</c> into an <see cref="AlphaHostConfig"/>. Only plain YAML is read into typed
/// options (no type tags, no object construction); every error names file, line and key path.
/// </summary>
internal static partial class ConfigLoader
{
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    public static AlphaHostConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, "(file)", $"cannot read the configuration: {ex.Message}");
        }

        return Parse(path, text);
    }

    public static AlphaHostConfig Parse(string path, string text)
    {
        var root = ConfigYaml.ReadRoot(path, text);
        var warnings = new List<string>();
        var document = new YamlSection(path, "", root);

        var config = new AlphaHostConfig(
            path,
            Hash(text),
            ReadHost(document.Section("host"), warnings),
            ReadMarket(document.Section("market"), warnings),
            ReadFeatures(document.Section("features")),
            ReadFamilies(document.Section("families")),
            warnings)
        {
            Plugins = ReadPlugins(document.Section("plugins"), warnings),
            Alerts = ReadAlerts(document.Section("alerts"), warnings),
            Combiner = ReadCombiner(document.Section("combiner"), warnings),
            Portfolio = ReadPortfolio(document.Section("portfolio"), warnings),
        };

        WarnUnknown(document, warnings);

        return config;
    }

    public static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static HostOptions ReadHost(YamlSection section, List<string> warnings)
    {
        var d = new HostOptions();
        var options = new HostOptions
        {
            CycleInterval = section.Duration("cycle_interval", d.CycleInterval, TimeSpan.Zero, OneHour),
            HeartbeatInterval = section.Duration("heartbeat_interval", d.HeartbeatInterval, TimeSpan.FromMilliseconds(10), OneHour),
            FamilyTimeout = section.Duration("family_timeout", d.FamilyTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)),
            InitTimeout = section.Duration("init_timeout", d.InitTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)),
            QuarantineAfter = section.Int("quarantine_after", d.QuarantineAfter, 1, 1000),
            QuarantineBackoff = section.Duration("quarantine_backoff", d.QuarantineBackoff, TimeSpan.Zero, OneHour),
            CrashLoopWindow = section.Duration("crash_loop_window", d.CrashLoopWindow, TimeSpan.Zero, TimeSpan.FromDays(1)),
            NoSignalCycles = section.Int("no_signal_cycles", d.NoSignalCycles, 0, 1_000_000),
            ShutdownTimeout = section.Duration("shutdown_timeout", d.ShutdownTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
            PluginsDir = section.String("plugins_dir", d.PluginsDir),
            RuntimeDir = section.String("runtime_dir", d.RuntimeDir),
            MaxStaleFraction = section.Double("max_stale_fraction", d.MaxStaleFraction, 0.0, 1.0),
            PluginLogEventsPerSecond = section.Int("plugin_log_events_per_second", d.PluginLogEventsPerSecond, 1, 1_000_000),
            PluginLogBytesPerCycle = section.Int("plugin_log_bytes_per_cycle", d.PluginLogBytesPerCycle, 1024, 1 << 30),
            SignalsRetentionDays = section.Int("signals_retention_days", d.SignalsRetentionDays, 0, 36_500),
            SignalsMaxMb = section.Int("signals_max_mb", d.SignalsMaxMb, 0, 100_000_000),
            FamilyIsolation = Isolation(section.OneOf("family_isolation", IsolationName(d.FamilyIsolation), "process", "in_process"))!.Value,
            WorkerOutput = ReadWorkerOutput(section.Section("worker_output"), warnings),
            Http = ReadHttp(section.Section("http"), warnings),
        };
        WarnUnknown(section, warnings);
        return options;
    }

    private static WorkerOutputOptions ReadWorkerOutput(YamlSection section, List<string> warnings)
    {
        var d = new WorkerOutputOptions();
        var options = new WorkerOutputOptions
        {
            LineBytes = section.Int("line_bytes", d.LineBytes, 80, 65_536),
            BytesPerSecond = section.Int("bytes_per_second", d.BytesPerSecond, 1024, 1 << 30),
            FloodSeconds = section.Int("flood_seconds", d.FloodSeconds, 1, 3600),
        };
        WarnUnknown(section, warnings);
        return options;
    }

    private static HttpOptions ReadHttp(YamlSection section, List<string> warnings)
    {
        var d = new HttpOptions();
        var options = new HttpOptions
        {
            Enabled = section.Bool("enabled", d.Enabled),
            Listen = section.String("listen", d.Listen).Trim(),
            Required = section.Bool("required", d.Required),
            MaxConnections = section.Int("max_connections", d.MaxConnections, 1, 100_000),
            RequestHeadersTimeout = section.Duration("request_headers_timeout", d.RequestHeadersTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
            KeepAliveTimeout = section.Duration("keep_alive_timeout", d.KeepAliveTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(30)),
            MaxRequestHeaderBytes = section.Int("max_request_header_bytes", d.MaxRequestHeaderBytes, 1024, 1_048_576),
            MaxRequestBodyBytes = section.Int("max_request_body_bytes", d.MaxRequestBodyBytes, 0, 1_048_576),
            AllowedHosts = section.String("allowed_hosts", d.AllowedHosts).Trim(),
        };
        if (HttpOptions.Parse(options.Listen) is null)
        {
            throw new ConfigException(section.File, section.Line, section.Join("listen"),
                $"expected address:port (127.0.0.1:9464, [::1]:9464, localhost:9464, 0.0.0.0:9464; port 0 picks a free one), got '{options.Listen}'");
        }

        WarnUnknown(section, warnings);
        return options;
    }

    private static Portfolio.PortfolioOptions ReadPortfolio(YamlSection section, List<string> warnings)
    {
        var d = new Portfolio.PortfolioOptions();
        var options = new Portfolio.PortfolioOptions
        {
            Rule = Portfolio.PortfolioRules.Parse(section.OneOf("rule", Portfolio.PortfolioRules.Name(d.Rule), Portfolio.PortfolioRules.Names)),
            VolScaling = section.Bool("vol_scaling", d.VolScaling),
            RiskWindowDays = section.Int("risk_window_days", d.RiskWindowDays, 5, 1_000),
            NoTradeBand = section.Double("no_trade_band", d.NoTradeBand, 0, 1),
            RebalanceFraction = section.Double("rebalance_fraction", d.RebalanceFraction, 0.01, 1),
            HorizonDays = section.Int("horizon_days", d.HorizonDays, 1, 250),
        };
        WarnUnknown(section, warnings);
        return options;
    }

    private static AlertOptions ReadAlerts(YamlSection section, List<string> warnings)
    {
        var d = new AlertOptions();
        var options = new AlertOptions
        {
            Command = section.String("command", d.Command).Trim(),
            Webhook = section.String("webhook", d.Webhook).Trim(),
            Retries = section.Int("retries", d.Retries, 0, 100),
            RetryDelay = section.Duration("retry_delay", d.RetryDelay, TimeSpan.Zero, OneHour),
            Timeout = section.Duration("timeout", d.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
            QueueSize = section.Int("queue_size", d.QueueSize, 1, 100_000),
        };
        if (options.Webhook.Length > 0
            && !(Uri.TryCreate(options.Webhook, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            throw new ConfigException(section.File, section.Line, section.Join("webhook"), $"expected an http:// or https:// URL, got '{Internal.Redact.Url(options.Webhook)}'");
        }

        WarnUnknown(section, warnings);
        return options;
    }

    private static Combining.CombinerOptions ReadCombiner(YamlSection section, List<string> warnings)
    {
        var d = new Combining.CombinerOptions();
        var learned = Combining.CombinerOptions.Text(Combining.CombinerMode.Learned);
        var options = new Combining.CombinerOptions
        {
            Mode = section.OneOf("mode", Combining.CombinerOptions.Text(d.Mode), "static", learned) == learned ? Combining.CombinerMode.Learned : Combining.CombinerMode.Static,
            LookbackDays = section.Int("lookback_days", d.LookbackDays, 2, 5000),
            MinDays = section.Int("min_days", d.MinDays, 2, 5000),
            Shrinkage = section.Double("shrinkage", d.Shrinkage, 0, 1),
            MaxWeight = section.Double("max_weight", d.MaxWeight, 0, 1),
            UpdateDays = section.Int("update_days", d.UpdateDays, 5, 5000),
            CostBasisPoints = section.Double("cost_bp", d.CostBasisPoints, 0, 10_000),
        };
        if (options.MinDays > options.LookbackDays)
        {
            throw new ConfigException(section.File, section.KeyLine("min_days"), section.Join("min_days"), $"must not exceed lookback_days ({options.LookbackDays}), got {options.MinDays}");
        }

        WarnUnknown(section, warnings);
        return options;
    }

    private static MarketOptions ReadMarket(YamlSection section, List<string> warnings)
    {
        var d = new MarketOptions();
        var sample = section.Section("sample");
        var options = new MarketOptions
        {
            Source = section.OneOf("source", d.Source, "sample", "bars"),
            DataDir = section.String("data_dir", d.DataDir),
            WarmupDays = section.Int("warmup_days", d.WarmupDays, 0, 10_000),
            MaxHistoryDays = section.Int("max_history_days", d.MaxHistoryDays, 60, 100_000),
            Calendar = section.OneOf("calendar", d.Calendar, Market.Calendars.ExchangeCalendars.Names),
            MaxDataDelay = section.Duration("max_data_delay", d.MaxDataDelay, TimeSpan.Zero, TimeSpan.FromDays(30)),
            CatchUp = section.OneOf("catch_up", d.CatchUp == CatchUpMode.Fast ? "fast" : "paced", "paced", "fast") == "fast" ? CatchUpMode.Fast : CatchUpMode.Paced,
            MaxBarFileBytes = section.Long("max_bar_file_bytes", d.MaxBarFileBytes, 1024, 2L << 30),
            MaxUniverseFileBytes = section.Long("max_universe_file_bytes", d.MaxUniverseFileBytes, 1024, 2L << 30),
            StaleRepeatedBars = section.Int("stale_repeated_bars", d.StaleRepeatedBars, 0, 10_000),
            SampleSeed = sample.Int("seed", d.SampleSeed, int.MinValue, int.MaxValue),
            SampleSymbols = sample.Int("symbols", d.SampleSymbols, 2, 5_000),
        };
        if (options.Source == "bars" && options.DataDir.Length == 0)
        {
            throw new ConfigException(section.File, section.Line, "market.data_dir", "is required when market.source is bars");
        }

        if (options.StaleRepeatedBars == 1)
        {
            throw new ConfigException(section.File, section.KeyLine("stale_repeated_bars"), "market.stale_repeated_bars", "must be 0 (off) or at least 2: with 1, every bar would count as repeated");
        }

        WarnUnknown(sample, warnings);
        WarnUnknown(section, warnings);
        return options;
    }

    private static PluginTrustOptions ReadPlugins(YamlSection section, List<string> warnings)
    {
        var trusted = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var pins = section.Section("trusted");
        foreach (var (folder, node) in pins.Entries())
        {
            var keyPath = pins.Join(folder);
            if (!PluginFolderPattern().IsMatch(folder))
            {
                throw pins.Error(node, keyPath, "a plugin folder name is letters, digits, '.', '_' and '-'");
            }

            IEnumerable<YamlNode> values = node is YamlSequenceNode sequence ? sequence.Children : [node];
            var hashes = new List<string>();
            foreach (var value in values)
            {
                if (value is not YamlScalarNode { Value: { } text } || !Sha256Pattern().IsMatch(text.Trim()))
                {
                    throw pins.Error(value, keyPath, "expected the 64-hex-digit SHA-256 of the plugin's main assembly (or a list of them), as `alphahost plugins list` prints it");
                }

                hashes.Add(text.Trim().ToLowerInvariant());
            }

            trusted[folder] = hashes;
        }

        var options = new PluginTrustOptions { RequireTrusted = section.Bool("require_trusted", false), Trusted = trusted };
        WarnUnknown(section, warnings);
        return options;
    }

    private static Dictionary<string, FeatureFlag> ReadFeatures(YamlSection section)
    {
        var flags = new Dictionary<string, FeatureFlag>(StringComparer.Ordinal);
        foreach (var (key, node) in section.Entries())
        {
            if (node is not YamlScalarNode scalar)
            {
                throw section.Error(node, section.Join(key), "expected true or false");
            }

            flags[key] = new FeatureFlag(section.ParseBool(scalar, section.Join(key)), (int)node.Start.Line);
        }

        return flags;
    }

    private static Dictionary<string, FamilyConfig> ReadFamilies(YamlSection section)
    {
        var families = new Dictionary<string, FamilyConfig>(StringComparer.Ordinal);
        foreach (var (name, node) in section.Entries())
        {
            if (!FamilyName.IsValid(name))
            {
                throw section.Error(node, section.Join(name), "a family name is lower case letters, digits and underscores");
            }

            var family = section.SectionOf(name, node);
            var enabled = family.Bool("enabled", true);
            var weight = family.Double("weight", 1.0, -10.0, 10.0);
            var timeout = family.OptionalDuration("timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));
            var isolation = family.OptionalOneOf("isolation", "process", "in_process");
            var maxMemory = family.Int("max_memory_mb", FamilyConfig.Absent.MaxMemoryMb, 16, 1 << 20);
            var mode = family.OptionalOneOf("mode", "live", "shadow");
            var of = family.OptionalString("family");
            if (of is { } named && !FamilyName.IsValid(named.Value))
            {
                throw new ConfigException(section.File, named.Line, family.Join("family"), $"a family name is lower case letters, digits and underscores, got '{named.Value}'");
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var lines = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, _) in family.UnreadKeys().ToList())
            {
                var relative = key[(family.Path.Length + 1)..];
                Flatten(relative, ((YamlMappingNode)node).Children[new YamlScalarNode(relative)], values, lines);
            }

            families[name] = new FamilyConfig(enabled, weight, timeout, values, lines) {
                Isolation = Isolation(isolation),
                MaxMemoryMb = maxMemory,
                Shadow = mode == "shadow",
                Family = of?.Value,
                Line = section.KeyLine(name),
                FamilyLine = of?.Line ?? 0,
            };
        }

        return families;
    }

    private static FamilyIsolation? Isolation(string? name) => name switch
    {
        "process" => FamilyIsolation.Process,
        "in_process" => FamilyIsolation.InProcess,
        _ => null,
    };

    private static string IsolationName(FamilyIsolation isolation) => isolation == FamilyIsolation.Process ? "process" : "in_process";

    private static void Flatten(string key, YamlNode node, Dictionary<string, string> values, Dictionary<string, int> lines)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                values[key] = scalar.Value ?? "";
                lines[key] = (int)scalar.Start.Line;
                break;
            case YamlMappingNode mapping:
                foreach (var (child, value) in mapping.Children)
                {
                    Flatten($"{key}.{((YamlScalarNode)child).Value}", value, values, lines);
                }

                break;
            case YamlSequenceNode sequence:
                var i = 0;
                foreach (var item in sequence.Children)
                {
                    Flatten($"{key}.{i++}", item, values, lines);
                }

                break;
        }
    }

    private static void WarnUnknown(YamlSection section, List<string> warnings)
    {
        foreach (var (key, line) in section.UnreadKeys())
        {
            warnings.Add($"{section.File}:{line}: unknown key '{key}' is ignored");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex PluginFolderPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
