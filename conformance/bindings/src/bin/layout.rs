//! Flex layout, a table, a chart with series and style properties through the dispatcher: values read back
//! where LVGL can give them, and the frame (compared with its golden) for the rest.
use conformance_bindings::*;

// LVGL 8.3 enumerations used below.
const FLEX_FLOW_ROW: i32 = 0;
const FLEX_ALIGN_CENTER: i32 = 2;
const FLEX_ALIGN_SPACE_EVENLY: i32 = 3;
const CHART_TYPE_LINE: i32 = 1;
const CHART_AXIS_PRIMARY_Y: i32 = 0;

fn main() {
    let window = window_create().expect("window_create");

    // A blue rounded row whose three white labels are placed by flex, left to right.
    let row = object_create(window).expect("object_create");
    object_set_size(row, 300, 56).expect("object_set_size");
    object_set_pos(row, 10, 8).expect("object_set_pos");
    object_set_style_bg_color(row, 0x1E88E5, 0).expect("object_set_style_bg_color");
    object_set_style_radius(row, 12, 0).expect("object_set_style_radius");
    object_set_flex_flow(row, FLEX_FLOW_ROW).expect("object_set_flex_flow");
    object_set_flex_align(row, FLEX_ALIGN_SPACE_EVENLY, FLEX_ALIGN_CENTER, FLEX_ALIGN_CENTER).expect("object_set_flex_align");
    for text in [c"one", c"two", c"three"] {
        let label = label_create(row).expect("label_create");
        label_set_text(label, text).expect("label_set_text");
        object_set_style_text_color(label, 0xFFFFFF, 0).expect("object_set_style_text_color");
    }
    object_update_layout(row).expect("object_update_layout");
    let xs: Vec<i32> = (0..3).map(|i| object_get_x(object_get_child(row, i).unwrap()).unwrap()).collect();
    println!("flex row: {} children, placed left to right: {}", object_get_child_count(row).unwrap(),
        xs.windows(2).all(|pair| pair[0] < pair[1]));

    // A 2 x 2 table.
    let table = table_create(window).expect("table_create");
    table_set_row_count(table, 2).expect("table_set_row_count");
    table_set_col_count(table, 2).expect("table_set_col_count");
    for col in 0..2 {
        table_set_col_width(table, col, 70).expect("table_set_col_width");
    }
    for (row_index, col, text) in [(0, 0, c"x"), (0, 1, c"y"), (1, 0, c"1"), (1, 1, c"2")] {
        table_set_cell_value(table, row_index, col, text).expect("table_set_cell_value");
    }
    object_set_pos(table, 10, 76).expect("object_set_pos");
    println!("table: {} rows", table_get_row_count(table).unwrap());

    // A line chart: type, point count, range, and two series (handles from the proxy's series
    // table): a red rising one fed point by point, a green falling one set by index.
    let chart = chart_create(window).expect("chart_create");
    object_set_size(chart, 130, 100).expect("object_set_size");
    object_set_pos(chart, 175, 80).expect("object_set_pos");
    chart_set_type(chart, CHART_TYPE_LINE).expect("chart_set_type");
    chart_set_point_count(chart, 8).expect("chart_set_point_count");
    chart_set_range(chart, CHART_AXIS_PRIMARY_Y, 0, 100).expect("chart_set_range");
    let rising = chart_add_series(chart, 0xE53935, CHART_AXIS_PRIMARY_Y).expect("chart_add_series").expect("a series");
    let falling = chart_add_series(chart, 0x43A047, CHART_AXIS_PRIMARY_Y).expect("chart_add_series").expect("a series");
    for value in [10, 20, 15, 40, 35, 60, 70, 90] {
        chart_set_next_value(chart, rising, value).expect("chart_set_next_value");
    }
    chart_set_all_value(chart, falling, 50).expect("chart_set_all_value");
    for (id, value) in [(0, 90), (2, 70), (4, 45), (6, 25), (7, 5)] {
        chart_set_value_by_id(chart, falling, id, value).expect("chart_set_value_by_id");
    }
    let mut walked = Vec::new();
    let mut next = chart_get_series_next(chart, None).expect("chart_get_series_next");
    while let Some(series) = next {
        walked.push(series);
        next = chart_get_series_next(chart, Some(series)).expect("chart_get_series_next");
    }
    println!("chart series: {}, walked newest first: {}", walked.len(), walked == [falling, rising]);
    println!("rising start point after 8 values: {}", chart_get_x_start_point(chart, rising).unwrap());
    println!("window children: {}", object_get_child_count(window).unwrap());
    println!("layout ok");
}
