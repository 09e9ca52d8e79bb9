namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>What serving needs of a model: its input width and a prediction for one row of float32 features.</summary>
internal interface IRowPredictor
{
    int Width { get; }

    float Predict(ReadOnlySpan<float> features);
}
