#!/bin/sh
# Regenerates the embedded test clip (run from anywhere; writes next to this script).
#
#   clip.h264  640x360, 25 fps, H.264 Constrained Baseline, raw Annex-B,
#              4 s = 100 frames, IDR every 25 frames exactly, no B-frames,
#              ~1.5 Mbit/s CBR-ish (maxrate 1500k, bufsize 750k), SPS/PPS
#              repeated before every IDR, an AUD before every frame.
#              Content: testsrc2 + temporal noise + a running timecode, so the
#              encoder really spends the bitrate.
#   clip.ogg   Opus, 48 kHz mono, 20 ms frames, one packet per Ogg page,
#              exactly 200 packets (4 s) so audio and video loops stay in sync.
#
# Needs ffmpeg with libx264 and libopus (Debian's ffmpeg 5.1 has both).
set -eu
cd "$(dirname "$0")"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf

ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=25:duration=4,noise=alls=24:allf=t+u,drawtext=fontfile=${FONT}:text='fieldwatch %{pts\:hms} #%{frame_num}':x=20:y=20:fontsize=32:fontcolor=white:box=1:boxcolor=black@0.6" \
  -frames:v 100 -an \
  -c:v libx264 -profile:v baseline -level:v 3.0 -pix_fmt yuv420p \
  -b:v 1500k -maxrate 1500k -bufsize 750k \
  -g 25 -keyint_min 25 -sc_threshold 0 -bf 0 \
  -x264-params repeat-headers=1:aud=1 \
  -f h264 clip.h264

ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:beep_factor=4:duration=5" \
  -ac 1 -ar 48000 -c:a libopus -b:a 32k -application audio \
  -frame_duration 20 -page_duration 20000 \
  -frames:a 200 -vn -f ogg clip.ogg

ls -l clip.h264 clip.ogg
