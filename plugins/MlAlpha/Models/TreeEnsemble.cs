using Microsoft.ML.Trainers.FastTree;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// A trained tree ensemble flattened into arrays for fast evaluation of one row: ML.NET's prediction engine costs about
/// 12 µs a row, this about 1 µs, which is what lets 500 symbols predict well inside a cycle. It evaluates the very trees
/// ML.NET trained (numerical splits, <c>x &lt;= threshold</c> goes left, negative child indices are leaves), and a parity
/// test holds it equal to ML.NET's own prediction. Ensembles with categorical splits are not compiled (null).
/// </summary>
internal sealed class TreeEnsemble : IRowPredictor
{
    private readonly int[] _roots;
    private readonly Node[] _nodes;
    private readonly double[] _leafValue;
    private readonly int[] _leafOffset;
    private readonly double[] _weight;
    private readonly double _bias;

    private TreeEnsemble(int width, int[] roots, Node[] nodes, double[] leafValue, int[] leafOffset, double[] weight, double bias)
    {
        Width = width;
        _roots = roots;
        _nodes = nodes;
        _leafValue = leafValue;
        _leafOffset = leafOffset;
        _weight = weight;
        _bias = bias;
    }

    public int Width { get; }

    public static TreeEnsemble? Compile(RegressionTreeEnsemble ensemble, int width)
    {
        var roots = new List<int>();
        var nodes = new List<Node>();
        var leafValue = new List<double>();
        var leafOffset = new List<int>();
        foreach (var tree in ensemble.Trees)
        {
            if (tree.CategoricalSplitFlags.Any(c => c))
            {
                return null;
            }

            var nodeOffset = nodes.Count;
            if (tree.NumberOfNodes > 127 || tree.LeafValues.Count > 128)
            {
                return null;
            }

            roots.Add(tree.NumberOfNodes == 0 ? -1 : nodeOffset);
            leafOffset.Add(leafValue.Count);
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                var splitFeature = tree.NumericalSplitFeatureIndexes[n];
                if (splitFeature is < 0 or > byte.MaxValue)
                {
                    return null;
                }

                nodes.Add(new Node(tree.NumericalSplitThresholds[n], (byte)splitFeature, (sbyte)tree.LeftChild[n], (sbyte)tree.RightChild[n]));
            }

            leafValue.AddRange(tree.LeafValues);
        }

        return nodes.Any(n => n.Feature >= width) ? null : new TreeEnsemble(width, roots.ToArray(), nodes.ToArray(), leafValue.ToArray(), leafOffset.ToArray(), ensemble.TreeWeights.ToArray(), ensemble.Bias);
    }

    public float Predict(ReadOnlySpan<float> x)
    {
        var sum = _bias;
        for (var t = 0; t < _roots.Length; t++)
        {
            var node = _roots[t];
            if (node < 0)
            {
                sum += _weight[t] * _leafValue[_leafOffset[t]];
                continue;
            }

            // Child indices are relative to the tree's first node; a negative one is ~leaf.
            var child = 0;
            while (child >= 0)
            {
                ref readonly var split = ref _nodes[node + child];
                child = x[split.Feature] <= split.Threshold ? split.Left : split.Right;
            }

            sum += _weight[t] * _leafValue[_leafOffset[t] + ~child];
        }

        return (float)sum;
    }

    /// <summary>
    /// One split in 8 bytes (threshold, feature, children relative to the tree's first node): with 500 models a cycle
    /// streams every tree from memory, so the node size is what the prediction time mostly depends on.
    /// </summary>
    private readonly record struct Node(float Threshold, byte Feature, sbyte Left, sbyte Right);
}
