using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Combining;

/// <summary>The daemon's combiner weights: resumed from <c>runtime/combiner.json</c>, which each learned close replaces.</summary>
internal static class DaemonWeights
{
    public static LearnedWeights Open(string path, ILogger logger) => new(
        () =>
        {
            var (state, problem) = CombinerStateFile.Load(path);
            if (problem is not null)
            {
                logger.LogWarning("Combiner: {Problem}", problem);
            }
            else
            {
                logger.LogInformation("Combiner: resumed from {File} ({Families} families, last close {LastDate}, weights of {UpdatedOn})",
                    path, state.Families.Count, state.LastDate, state.UpdatedOn);
            }

            return state;
        },
        state =>
        {
            try
            {
                CombinerStateFile.Save(path, state);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogError("Combiner: state could not be written to {File}: {Error}", path, ex.Message);
            }
        });
}
