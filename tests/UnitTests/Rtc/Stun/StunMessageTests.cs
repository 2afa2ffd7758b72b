using System.Buffers.Binary;
using System.Net;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;

namespace OrleansLive.UnitTests.Rtc.Stun;

public sealed class StunMessageTests
{
    private static readonly byte[] Key = StunBinding.ShortTermKey(Rfc5769Vectors.Password);

    [Fact]
    public void Parses_the_sample_request_and_checks_its_integrity_and_fingerprint()
    {
        var data = Rfc5769Vectors.Request;
        Assert.True(StunMessage.IsStun(data));
        Assert.True(StunMessage.TryParse(data, out var message));
        Assert.True(message.IsBindingRequest);
        Assert.Equal(Rfc5769Vectors.TransactionId, message.TransactionId.ToArray());
        Assert.Equal("evtj:h6vY", message.Username);
        Assert.Equal("STUN test client", message.Software);
        Assert.Equal(0x6e0001ffu, message.Priority);
        Assert.Equal(0x932ff9b151263b36ul, message.IceControlled);
        Assert.Null(message.IceControlling);
        Assert.False(message.UseCandidate);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());
        Assert.False(message.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBT"u8));
        Assert.True(message.TryGetIceUsername(out var receiver, out var sender));
        Assert.Equal(("evtj", "h6vY"), (receiver, sender));
    }

    [Fact]
    public void Rebuilds_the_sample_request_byte_for_byte()
    {
        var built = new StunMessageBuilder(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId, padding: 0x20)
            .AddSoftware("STUN test client")
            .AddPriority(0x6e0001ff)
            .AddIceControlled(0x932ff9b151263b36)
            .AddUsername(Rfc5769Vectors.Username)
            .ToArray(Key);
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.Request), Convert.ToHexString(built));
    }

    [Theory]
    [InlineData(false, "192.0.2.1")]
    [InlineData(true, "2001:db8:1234:5678:11:2233:4455:6677")]
    public void Parses_and_rebuilds_the_sample_responses(bool ipv6, string address)
    {
        var data = ipv6 ? Rfc5769Vectors.Ipv6Response : Rfc5769Vectors.Ipv4Response;
        Assert.True(StunMessage.TryParse(data, out var message));
        Assert.Equal(StunMessageType.BindingSuccessResponse, message.Type);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), 32853), message.XorMappedAddress);
        Assert.Equal("test vector", message.Software);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());

        var built = new StunMessageBuilder(StunMessageType.BindingSuccessResponse, Rfc5769Vectors.TransactionId, padding: 0x20)
            .AddSoftware("test vector")
            .AddXorMappedAddress(message.XorMappedAddress!)
            .ToArray(Key);
        Assert.Equal(Convert.ToHexString(data), Convert.ToHexString(built));
    }

    [Fact]
    public void A_success_response_round_trips_with_integrity_and_fingerprint()
    {
        var transaction = StunBinding.NewTransactionId();
        var mapped = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 50123);
        var bytes = StunBinding.SuccessResponse(transaction, mapped, "serverpass"u8);
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.Equal(StunMessageType.BindingSuccessResponse, message.Type);
        Assert.Equal(transaction, message.TransactionId.ToArray());
        Assert.Equal(mapped, message.XorMappedAddress);
        Assert.True(message.VerifyMessageIntegrity("serverpass"u8));
        Assert.True(message.VerifyFingerprint());
        Assert.Equal(StunAttributeType.Fingerprint, message.Attributes[^1].Type);
        Assert.Equal(StunAttributeType.MessageIntegrity, message.Attributes[^2].Type);
    }

    [Fact]
    public void An_ipv4_mapped_ipv6_source_is_reported_as_ipv4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:198.51.100.2"), 4000);
        var bytes = StunBinding.SuccessResponse(StunBinding.NewTransactionId(), mapped, "k"u8);
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.2"), 4000), message.XorMappedAddress);
    }

    [Theory]
    [InlineData(400, "Bad Request", true)]
    [InlineData(401, "Unauthorized", false)]
    [InlineData(487, "Role Conflict", true)]
    public void Error_responses_carry_the_code_and_reason(int code, string reason, bool withIntegrity)
    {
        var key = withIntegrity ? "pw"u8.ToArray() : [];
        var bytes = StunBinding.ErrorResponse(StunBinding.NewTransactionId(), code, reason, key);
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.Equal(StunMessageType.BindingErrorResponse, message.Type);
        Assert.Equal((code, reason), message.Error);
        Assert.Equal(withIntegrity, message.HasMessageIntegrity);
        Assert.Equal(withIntegrity, message.VerifyMessageIntegrity("pw"u8));
        Assert.True(message.VerifyFingerprint());
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void A_client_request_carries_what_ice_needs(bool controlling, bool nominate)
    {
        var bytes = StunBinding.Request(StunBinding.NewTransactionId(), "srvU", "cliU", "srvpassword"u8, 0x6e7f1eff, 0x0102030405060708, controlling, nominate);
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.True(message.IsBindingRequest);
        Assert.Equal("srvU:cliU", message.Username);
        Assert.Equal(0x6e7f1effu, message.Priority);
        Assert.Equal(controlling ? 0x0102030405060708ul : null, message.IceControlling);
        Assert.Equal(controlling ? null : 0x0102030405060708ul, message.IceControlled);
        Assert.Equal(nominate, message.UseCandidate);
        Assert.True(message.VerifyMessageIntegrity("srvpassword"u8));
        Assert.False(message.VerifyMessageIntegrity("other"u8));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Unknown_attributes_are_skipped_with_their_padding()
    {
        var bytes = new StunMessageBuilder(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId)
            .Add(0x7ff1, [1, 2, 3, 4, 5])
            .Add(0xC001, [9])
            .AddUsername("a:b")
            .ToArray("k"u8);
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.Equal("a:b", message.Username);
        Assert.Equal([0x7ff1, 0xC001, StunAttributeType.Username, StunAttributeType.MessageIntegrity, StunAttributeType.Fingerprint],
            message.Attributes.Select(a => (int)a.Type));
        Assert.Equal([1, 2, 3, 4, 5], message.Attributes[0].Value.ToArray());
        Assert.True(message.VerifyMessageIntegrity("k"u8));
    }

    [Fact]
    public void Attributes_after_message_integrity_other_than_fingerprint_are_ignored()
    {
        var bytes = new StunMessageBuilder(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId)
            .AddUsername("a:b")
            .ToArray("k"u8, fingerprint: false);
        var extended = bytes.Concat(new byte[] { 0x00, 0x24, 0x00, 0x04, 0, 0, 0, 1 }).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(extended.AsSpan(2), (ushort)(extended.Length - 20));
        Assert.True(StunMessage.TryParse(extended, out var message));
        Assert.Null(message.Priority);
        Assert.False(message.HasFingerprint);
        Assert.False(message.VerifyFingerprint());
        Assert.True(message.VerifyMessageIntegrity("k"u8)); // the HMAC covers the message as if it ended after MESSAGE-INTEGRITY
    }

    [Fact]
    public void A_changed_byte_fails_integrity_and_fingerprint()
    {
        var data = (byte[])Rfc5769Vectors.Request.Clone();
        data[30] ^= 1; // inside SOFTWARE
        Assert.True(StunMessage.TryParse(data, out var message));
        Assert.False(message.VerifyMessageIntegrity(Key));
        Assert.False(message.VerifyFingerprint());
    }

    public static TheoryData<string, byte[]> Malformed()
    {
        var request = Rfc5769Vectors.Request;
        byte[] With(Action<byte[]> change)
        {
            var copy = (byte[])request.Clone();
            change(copy);
            return copy;
        }

        return new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "short header", request[..19] },
            { "truncated body", request[..^4] },
            { "length says more", With(d => d[3] = 0x5c) },
            { "length not a multiple of four", With(d => d[3] = 0x57) },
            { "wrong cookie", With(d => d[4] = 0x22) },
            { "top bits set (RTP-like)", With(d => d[0] = 0x80) },
            { "attribute overruns", With(d => d[22] = 0x01) },
            { "priority length changed", With(d => d[43] = 0x05) },
            { "trailing bytes", [.. request, 0, 0, 0, 0] },
            { "attribute after fingerprint", FixLength([.. request, 0, 0x25, 0, 0]) },
        };
    }

    private static byte[] FixLength(byte[] data)
    {
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), (ushort)(data.Length - 20));
        return data;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_messages_are_rejected_without_throwing(string what, byte[] data)
    {
        Assert.False(StunMessage.TryParse(data, out var message), what);
        Assert.Null(message);
    }

    [Fact]
    public void Dtls_rtp_and_rtcp_are_not_stun()
    {
        Assert.False(StunMessage.IsStun([0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        Assert.False(StunMessage.IsStun([0x80, 0x60, 0, 1, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        Assert.False(StunMessage.IsStun(Rfc5769Vectors.Request.AsSpan(0, 10)));
    }
}
