using System.Buffers;
using System.Buffers.Binary;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Recording.Dvr;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.UnitTests.Dvr;

public class DvrMetadataTests
{
    [Fact]
    public void The_publishers_duration_and_filesize_give_way_to_a_patchable_duration()
    {
        var output = new ArrayBufferWriter<byte>();
        RtmpDataMessage.Write(output, RtmpDataMessage.OnMetaData, new AmfObject
        {
            IsEcmaArray = true,
            ["duration"] = 12.0,
            ["width"] = 320.0,
            ["filesize"] = 999.0,
            ["encoder"] = "Lavf",
        });

        var (payload, offset) = DvrMetadata.Rewrite(output.WrittenSpan.ToArray());

        var metadata = RtmpDataMessage.Parse(payload, amf3: false).MetaData!;
        Assert.Equal(["duration", "width", "encoder"], metadata.Select(p => p.Key));
        Assert.Equal(0.0, metadata.GetNumber("duration"));
        BinaryPrimitives.WriteDoubleBigEndian(payload.AsSpan(offset), 4.5);
        Assert.Equal(4.5, RtmpDataMessage.Parse(payload, amf3: false).MetaData!.GetNumber("duration"));
    }

    [Fact]
    public void Missing_or_broken_metadata_becomes_the_duration_alone()
    {
        foreach (var input in new byte[]?[] { null, [0x02, 0x00, 0x05, 0x41] })
        {
            var (payload, _) = DvrMetadata.Rewrite(input);
            Assert.Equal(["duration"], RtmpDataMessage.Parse(payload, amf3: false).MetaData!.Select(p => p.Key));
        }
    }
}
