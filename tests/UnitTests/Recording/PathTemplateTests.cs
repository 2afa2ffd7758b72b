using OrleansLive.GatewayEdge.Recording;

namespace OrleansLive.UnitTests.Recording;

public class PathTemplateTests
{
    private static readonly DateTimeOffset Time = new DateTimeOffset(2015, 1, 3, 10, 57, 30, 776, TimeSpan.Zero).ToLocalTime();

    [Fact]
    public void Stream_names_time_parts_and_sequence_are_replaced()
    {
        var vars = new PathVariables("v.example", "live", "cam1", Time, Sequence: 42, DurationMs: 2000);
        var local = Time.ToLocalTime();
        Assert.Equal(
            $"/r/v.example/live/cam1-42-2000/{local:yyyy}-{local:MM}-{local:dd}_{local:HH}{local:mm}{local:ss}.{local:fff}_1420282650776.ts",
            PathTemplate.Expand("/r/[vhost]/[app]/[stream]-[seq]-[duration]/[2006]-[01]-[02]_[15][04][05].[999]_[timestamp].ts", vars));
    }

    [Fact]
    public void Unknown_words_and_unclosed_brackets_stay()
    {
        var vars = new PathVariables("v", "live", "s", Time);
        Assert.Equal("live/[nope]/s-[seq].ts[", PathTemplate.Expand("[app]/[nope]/[stream]-[seq].ts[", vars));
        Assert.Equal("plain/path.flv", PathTemplate.Expand("plain/path.flv", vars));
    }

    [Theory]
    [InlineData("./objs/nginx/html/[app]/[stream].[timestamp].flv", "./objs/nginx/html/[app]/[stream].[timestamp].flv")]
    [InlineData("/data/[app]/[stream].mp4", "/data/[app]/[stream].mp4")]
    [InlineData("./objs/nginx/html", "./objs/nginx/html/[stream].[timestamp].flv")]
    [InlineData("/data/dvr/", "/data/dvr/[stream].[timestamp].flv")]
    public void A_dvr_path_without_flv_or_mp4_is_a_directory(string path, string template) =>
        Assert.Equal(template, PathTemplate.DvrFileTemplate(path));

    [Fact]
    public void Join_keeps_absolute_paths_and_uses_slashes()
    {
        Assert.Equal("./objs/nginx/html/live/s.m3u8", PathTemplate.Join("./objs/nginx/html/", "live/s.m3u8"));
        Assert.Equal("/abs/s.m3u8", PathTemplate.Join("./objs", "/abs/s.m3u8"));
    }
}
