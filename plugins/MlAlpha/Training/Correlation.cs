using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Training;

/// <summary>The validation error of a model, RMSE; its IC and rank IC are <see cref="CrossSection.Pearson"/> and <see cref="CrossSection.Spearman"/>.</summary>
internal static class Correlation
{
    public static double Rmse(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        var sum = 0.0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var e = predicted[i] - actual[i];
            sum += e * e;
        }

        return predicted.Count == 0 ? double.NaN : Math.Sqrt(sum / predicted.Count);
    }
}
