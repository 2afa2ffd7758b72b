using System.Security.Cryptography;

namespace OrleansLive.Interfaces;

/// <summary>Random ids in SRS's alphabet: client ids of 8 chars, stream/vhost ids "vid-" + 7 chars.</summary>
public static class Ids
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static string Random(int length) => RandomNumberGenerator.GetString(Alphabet, length);

    public static string NewClientId() => Random(8);

    public static string NewVid() => "vid-" + Random(7);
}
