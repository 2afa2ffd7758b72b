using OrleansLive.GatewayEdge.SrsConfig;

namespace OrleansLive.UnitTests.SrsConfig;

public sealed class SrsConfigParserTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("srs-conf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SrsDirective Parse(string text) => SrsConfigParser.ParseText(text, "test.conf", "/");

    [Fact]
    public void Directives_blocks_comments_and_quotes_with_their_lines()
    {
        var root = Parse("""
            # SRS main config
            listen 1935;   # RTMP
            http_api {
                enabled on;
                auth { username "ad min"; password 'p;a#s{s}'; }
            }
            vhost __defaultVhost__ {
                http_hooks { on_publish http://a/x http://b/y; }
                hls { hls_entry_prefix "say \"hi\""; }
            }
            """);

        Assert.Equal(["listen", "http_api", "vhost"], root.Children.Select(c => c.Name));
        var listen = root.Children[0];
        Assert.Equal(["1935"], listen.Args);
        Assert.Equal("test.conf:2", listen.Where);
        var auth = root.Child("http_api")!.Child("auth")!;
        Assert.Equal(5, auth.Line);
        Assert.Equal("ad min", auth.Child("username")!.Arg0);
        Assert.Equal("p;a#s{s}", auth.Child("password")!.Arg0);
        var vhost = root.Child("vhost")!;
        Assert.Equal(["__defaultVhost__"], vhost.Args);
        Assert.Equal(["http://a/x", "http://b/y"], vhost.Child("http_hooks")!.Child("on_publish")!.Args);
        Assert.Equal("say \"hi\"", vhost.Child("hls")!.Child("hls_entry_prefix")!.Arg0);
    }

    [Theory]
    [InlineData("listen 1935", "test.conf:1: directive 'listen' has no ending ';'")]
    [InlineData("http_api {\n  enabled on;\n", "test.conf:3: unexpected end of file: a block is not closed with '}'")]
    [InlineData("listen 1935;\n}\n", "test.conf:2: unexpected '}'")]
    [InlineData("vhost v {\n  hls { enabled on }\n}", "test.conf:2: directive 'enabled' has no ending ';'")]
    [InlineData("\n\n;", "test.conf:3: unexpected ';'")]
    [InlineData("server_id \"abc;\n", "test.conf:1: a string opened with \" is not closed")]
    [InlineData("{ listen 1; }", "test.conf:1: '{' without a directive name")]
    public void Errors_name_the_file_and_line(string text, string message)
    {
        var error = Assert.Throws<SrsConfigException>(() => Parse(text));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Include_splices_a_file_in_place_relative_to_the_including_file()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "conf.d"));
        File.WriteAllText(Path.Combine(_dir, "conf.d", "vhost.conf"), "vhost v.test {\n  hls { enabled on; }\n}\n");
        File.WriteAllText(Path.Combine(_dir, "srs.conf"), "listen 1935;\ninclude conf.d/vhost.conf;\nmax_connections 10;\n");

        var root = SrsConfigParser.ParseFile(Path.Combine(_dir, "srs.conf"));

        Assert.Equal(["listen", "vhost", "max_connections"], root.Children.Select(c => c.Name));
        var hls = root.Child("vhost")!.Child("hls")!;
        Assert.Equal(Path.Combine(_dir, "conf.d", "vhost.conf") + ":2", hls.Where);
    }

    [Fact]
    public void A_missing_or_circular_include_is_an_error_at_the_include_line()
    {
        var main = Path.Combine(_dir, "srs.conf");
        File.WriteAllText(main, "listen 1935;\ninclude missing.conf;\n");
        var missing = Assert.Throws<SrsConfigException>(() => SrsConfigParser.ParseFile(main));
        Assert.Equal($"{main}:2: include {Path.Combine(_dir, "missing.conf")} does not exist", missing.Message);

        File.WriteAllText(main, "include srs.conf;\n");
        var circular = Assert.Throws<SrsConfigException>(() => SrsConfigParser.ParseFile(main));
        Assert.Equal($"{main}:1: include {main} includes itself", circular.Message);
    }
}
