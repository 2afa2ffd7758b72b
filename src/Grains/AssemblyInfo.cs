namespace OrleansLive.Grains;
