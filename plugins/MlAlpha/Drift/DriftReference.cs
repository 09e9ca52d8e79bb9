using AlphaHost.Plugins.MlAlpha.Models;

namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>A model's training distributions laid out for the live check: per feature in contract order, its bucket edges and shares.</summary>
internal sealed class DriftReference
{
    public const int Buckets = 10;

    private DriftReference(double[] edges, double[] proportions)
    {
        Edges = edges;
        Proportions = proportions;
    }

    /// <summary>Feature f's inner edges at [f * (Buckets - 1) ..].</summary>
    public double[] Edges { get; }

    /// <summary>Feature f's bucket shares at [f * Buckets ..].</summary>
    public double[] Proportions { get; }

    /// <summary>The layout of <paramref name="reference"/> for <paramref name="features"/>; null when any feature lacks a full reference.</summary>
    public static DriftReference? From(IReadOnlyDictionary<string, FeatureReference>? reference, IReadOnlyList<string> features)
    {
        if (reference is null)
        {
            return null;
        }

        var edges = new double[features.Count * (Buckets - 1)];
        var proportions = new double[features.Count * Buckets];
        for (var f = 0; f < features.Count; f++)
        {
            if (!reference.TryGetValue(features[f], out var r) || r.Edges.Count != Buckets - 1 || r.Proportions.Count != Buckets)
            {
                return null;
            }

            for (var b = 0; b < Buckets - 1; b++)
            {
                edges[(f * (Buckets - 1)) + b] = r.Edges[b];
            }

            for (var b = 0; b < Buckets; b++)
            {
                proportions[(f * Buckets) + b] = r.Proportions[b];
            }
        }

        return new DriftReference(edges, proportions);
    }

    /// <summary>The bucket of feature <paramref name="feature"/>'s value.</summary>
    public int Bucket(int feature, double value) => BucketOf(Edges.AsSpan(feature * (Buckets - 1), Buckets - 1), value);

    /// <summary>
    /// The bucketing rule of training and live alike: bucket i holds edges[i-1] &lt; x &lt;= edges[i] (a linear scan: there
    /// are nine edges).
    /// </summary>
    public static int BucketOf(ReadOnlySpan<double> edges, double value)
    {
        var bucket = 0;
        while (bucket < edges.Length && value > edges[bucket])
        {
            bucket++;
        }

        return bucket;
    }
}
