using System.Text.Json.Serialization;

namespace AlphaHost.Host.Portfolio;

/// <summary>How a close's signals become raw weights (<see cref="TargetWeights"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PortfolioRule>))]
internal enum PortfolioRule
{
    /// <summary>Signal ranks centred on the whole cross-section (dollar-neutral).</summary>
    [JsonStringEnumMemberName("rank")]
    Rank,

    /// <summary>Signal ranks centred within each sector (each sector dollar-neutral).</summary>
    [JsonStringEnumMemberName("sector_neutral")]
    SectorNeutral,

    /// <summary>Centred ranks with the book's trailing beta to the benchmark removed (dollar- and beta-neutral).</summary>
    [JsonStringEnumMemberName("beta_neutral")]
    BetaNeutral,
}

/// <summary>The rules' names in the config file and the reports.</summary>
internal static class PortfolioRules
{
    public static readonly string[] Names = ["rank", "sector_neutral", "beta_neutral"];

    public static string Name(PortfolioRule rule) => Names[(int)rule];

    public static PortfolioRule Parse(string name) => (PortfolioRule)Array.IndexOf(Names, name);
}
