/* The bench's LVGL 8.3 configuration. Everything not set here takes LVGL's default
 * (lv_conf_internal.h). Read by every target's build of LVGL (runtime/lvgl-sys/build.rs).
 *
 * Display: 320 x 240 pixels, 16-bit colour (RGB565, not byte-swapped), one framebuffer of
 * 150 KiB allocated from the runtime's heap at LVGL start-up (runtime/src/bindings/display.rs).
 * Memory: LVGL allocates through the runtime's heap (os_malloc & co., as WAMR does), so one
 * heap, one budget and one peak counter cover WAMR, the guest's linear memory and LVGL.
 * Tick: xila_lvgl_tick_ms(), from the board's monotonic timer (Board::monotonic_ns).
 * Determinism: no theme transitions, no animations left running when a frame is taken, no
 * floating point in rendering, so that every target renders the same pixels. */
#ifndef LV_CONF_H
#define LV_CONF_H

#include <stdint.h>

/* The bench's display, documented for the guest side in conformance/bindings. */
#define XILA_LVGL_HOR_RES 320
#define XILA_LVGL_VER_RES 240

#define LV_COLOR_DEPTH 16
#define LV_COLOR_16_SWAP 0
#define LV_COLOR_SCREEN_TRANSP 0
#define LV_COLOR_CHROMA_KEY lv_color_hex(0x00ff00)

#define LV_MEM_CUSTOM 1
#define LV_MEM_CUSTOM_INCLUDE "xila_lvgl_port.h"
#define LV_MEM_CUSTOM_ALLOC os_malloc
#define LV_MEM_CUSTOM_FREE os_free
#define LV_MEM_CUSTOM_REALLOC os_realloc
#define LV_MEMCPY_MEMSET_STD 1

#define LV_DISP_DEF_REFR_PERIOD 30
#define LV_INDEV_DEF_READ_PERIOD 30

#define LV_TICK_CUSTOM 1
#define LV_TICK_CUSTOM_INCLUDE "xila_lvgl_port.h"
#define LV_TICK_CUSTOM_SYS_TIME_EXPR (xila_lvgl_tick_ms())

#define LV_DPI_DEF 130

#define LV_DRAW_COMPLEX 1
#define LV_SHADOW_CACHE_SIZE 0
#define LV_CIRCLE_CACHE_SIZE 4
#define LV_LAYER_SIMPLE_BUF_SIZE (8 * 1024)
#define LV_IMG_CACHE_DEF_SIZE 0
#define LV_GRADIENT_MAX_STOPS 2
#define LV_GRAD_CACHE_DEF_SIZE 0
#define LV_DITHER_GRADIENT 0
#define LV_DISP_ROT_MAX_BUF (10 * 1024)

#define LV_USE_GPU_STM32_DMA2D 0
#define LV_USE_GPU_SWM341_DMA2D 0
#define LV_USE_GPU_NXP_PXP 0
#define LV_USE_GPU_NXP_VG_LITE 0
#define LV_USE_GPU_SDL 0

#define LV_USE_LOG 0

/* A failed LVGL assertion ends the run through the runtime (a panic: CRASH), never a hang. */
#define LV_USE_ASSERT_NULL 1
#define LV_USE_ASSERT_MALLOC 1
#define LV_USE_ASSERT_STYLE 0
#define LV_USE_ASSERT_MEM_INTEGRITY 0
#define LV_USE_ASSERT_OBJ 0
#define LV_ASSERT_HANDLER_INCLUDE "xila_lvgl_port.h"
#define LV_ASSERT_HANDLER xila_lvgl_assert_failed();

#define LV_USE_PERF_MONITOR 0
#define LV_USE_MEM_MONITOR 0
#define LV_USE_REFR_DEBUG 0
#define LV_SPRINTF_CUSTOM 0
#define LV_SPRINTF_USE_FLOAT 0
#define LV_USE_USER_DATA 1
#define LV_ENABLE_GC 0

#define LV_USE_LARGE_COORD 0

#define LV_FONT_MONTSERRAT_14 1
#define LV_FONT_DEFAULT &lv_font_montserrat_14
#define LV_USE_FONT_PLACEHOLDER 1
#define LV_TXT_ENC LV_TXT_ENC_UTF8

#define LV_USE_THEME_DEFAULT 1
#define LV_THEME_DEFAULT_DARK 0
#define LV_THEME_DEFAULT_GROW 0
#define LV_THEME_DEFAULT_TRANSITION_TIME 0
#define LV_USE_THEME_BASIC 1
#define LV_USE_THEME_MONO 0

#define LV_USE_FLEX 1
#define LV_USE_GRID 1

/* No file systems, decoders, snapshots or demos: nothing that touches the host's files. */
#define LV_USE_FS_STDIO 0
#define LV_USE_FS_POSIX 0
#define LV_USE_FS_WIN32 0
#define LV_USE_FS_FATFS 0
#define LV_USE_PNG 0
#define LV_USE_BMP 0
#define LV_USE_SJPG 0
#define LV_USE_GIF 0
#define LV_USE_QRCODE 0
#define LV_USE_FREETYPE 0
#define LV_USE_TINY_TTF 0
#define LV_USE_RLOTTIE 0
#define LV_USE_FFMPEG 0
#define LV_USE_SNAPSHOT 0
#define LV_USE_MONKEY 0
#define LV_USE_GRIDNAV 0
#define LV_USE_FRAGMENT 0
#define LV_USE_IMGFONT 0
#define LV_USE_MSG 0
#define LV_USE_IME_PINYIN 0
#define LV_BUILD_EXAMPLES 0
#define LV_USE_DEMO_WIDGETS 0
#define LV_USE_DEMO_BENCHMARK 0
#define LV_USE_DEMO_STRESS 0
#define LV_USE_DEMO_MUSIC 0
#define LV_USE_DEMO_KEYPAD_AND_ENCODER 0

#endif /* LV_CONF_H */
