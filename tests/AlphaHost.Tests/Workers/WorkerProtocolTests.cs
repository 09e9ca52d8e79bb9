using AlphaHost.Abstractions;
using AlphaHost.Host.Workers;

namespace AlphaHost.Tests.Workers;

public sealed class WorkerProtocolTests
{
    [Fact]
    public void Health_RoundTrip_KeepsStateErrorsDetailServingModelsModelVersionAndContent()
    {
        var health = new FamilyHealth(FamilyState.Degraded, 7, "drift on ret_5d") { ServingModels = 5, ModelVersion = "set-0123456789ab", ModelContent = "sha256-0123456789abcdef" };

        var read = WorkerProtocol.ReadHealth(WorkerProtocol.Reader(WorkerProtocol.Payload(w => WorkerProtocol.WriteHealth(w, health))));

        Assert.Equal(health, read);
    }

    [Fact]
    public void Health_RoundTrip_KeepsFeatureDriftInOrder()
    {
        var health = new FamilyHealth(FamilyState.Ok) { ServingModels = 2, FeatureDrift = [new("ret_1d", 0.031), new("beta_60", 0.42)] };

        var read = WorkerProtocol.ReadHealth(WorkerProtocol.Reader(WorkerProtocol.Payload(w => WorkerProtocol.WriteHealth(w, health))));

        Assert.Equal(health.FeatureDrift, read.FeatureDrift);
        Assert.Equal(2, read.ServingModels);
    }

    [Fact]
    public void Settings_RoundTrip_RelativePathsStillResolveFromTheConfigFolder()
    {
        var values = new Dictionary<string, string> { ["models_dir"] = "../models/ml_alpha" };
        var settings = new FamilySettings("families.ml_alpha", values, "/srv/alphahost/configs");

        var read = WorkerProtocol.ReadSettings(WorkerProtocol.Reader(WorkerProtocol.Payload(w => WorkerProtocol.WriteSettings(w, settings, values))));

        Assert.Equal("/srv/alphahost/models/ml_alpha", read.GetPath("models_dir", "unused"));
    }

    [Fact]
    public void Health_WithoutModels_StaysWithoutModels()
    {
        var read = WorkerProtocol.ReadHealth(WorkerProtocol.Reader(WorkerProtocol.Payload(w => WorkerProtocol.WriteHealth(w, FamilyHealth.Ok))));

        Assert.Null(read.ServingModels);
        Assert.Null(read.ModelVersion);
        Assert.Null(read.FeatureDrift);
    }

    [Fact]
    public void Read_FramesWrittenBackToBack_AreReadInOrderAndTheEndIsNull()
    {
        using var stream = new MemoryStream();
        WorkerProtocol.Write(stream, new Frame(FrameType.Reply, 1, [1, 2, 3]));
        WorkerProtocol.Write(stream, new Frame(FrameType.Log, 0, []));
        stream.Position = 0;

        var first = WorkerProtocol.Read(stream);
        var second = WorkerProtocol.Read(stream);

        Assert.Equal((FrameType.Reply, 1u), (first!.Value.Type, first.Value.Sequence));
        Assert.Equal(new byte[] { 1, 2, 3 }, first.Value.Payload);
        Assert.Equal((FrameType.Log, 0u, 0), (second!.Value.Type, second.Value.Sequence, second.Value.Payload.Length));
        Assert.Null(WorkerProtocol.Read(stream));
    }

    [Fact]
    public void Read_LengthOutOfRange_IsRefusedNotAllocated()
    {
        using var stream = new MemoryStream([0xff, 0xff, 0xff, 0x7f, 10, 0, 0, 0, 0]);

        Assert.Throws<InvalidDataException>(() => WorkerProtocol.Read(stream));
    }

    [Fact]
    public void Read_WorkerFrameOverItsLimit_RefusedThoughTheHostMaySendThatMuch()
    {
        var header = new byte[9];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)WorkerProtocol.MaxWorkerFrameBytes + 1);
        header[4] = (byte)FrameType.Reply;

        var error = Assert.Throws<InvalidDataException>(() => WorkerProtocol.Read(new MemoryStream(header), WorkerProtocol.MaxWorkerFrameBytes));

        Assert.Contains($"{WorkerProtocol.MaxWorkerFrameBytes + 1} bytes is out of range", error.Message, StringComparison.Ordinal);
        Assert.Throws<EndOfStreamException>(() => WorkerProtocol.Read(new MemoryStream(header)));
    }
}
